/**
 * One error model: a not-found is a not-found whatever the resource, `--json` failures print a
 * JSON error on stdout, commander's usage errors carry codes, and the CLI and the HTTP API give
 * the same condition the same code.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { statusFor } from '../../src/http/errors.js';
import { makeTestApp, type TestApp } from '../http/support.js';
import { cliFor, DEMO_NOW, initWorkspace, REPO_DIR, tempDir } from './run-cli.js';

const tmp = tempDir('errors');
afterAll(tmp.cleanup);
const cli = cliFor(initWorkspace(join(tmp.dir, 'ws')), { TENURE_NOW: DEMO_NOW });

/** The `--json` error document on stdout. */
const jsonError = (r: Awaited<ReturnType<typeof cli>>) => r.json<{ error: unknown }>().error;

describe.concurrent('CLI errors', () => {
  it('an unknown agent is a not-found: exit 2 and agent.not_found', async () => {
    const r = await cli(['agents', 'revoke', 'nope']);
    expect(r.code, r.why).toBe(EXIT.invalid);
    expect(r.stderr).toBe('error [agent.not_found]: no agent "nope"\n');
  });

  it('verify-export with a missing or non-PEM key, or a missing export, is bad input, not a bug', async () => {
    const readme = join(REPO_DIR, 'README.md');
    const missingKey = await cli(['audit', 'verify-export', readme, '--public-key', 'missing.pub']);
    expect(missingKey.code, missingKey.why).toBe(EXIT.invalid);
    expect(missingKey.stderr).toMatch(
      /^error \[audit\.no_public_key\]: --public-key missing\.pub: /,
    );
    const notPem = await cli(['audit', 'verify-export', readme, '--public-key', readme]);
    expect(notPem.code, notPem.why).toBe(EXIT.invalid);
    expect(notPem.stderr).toContain('not a PEM public key');
    const key = join(tmp.dir, 'any.pub');
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    writeFileSync(key, pem);
    const noExport = await cli(['audit', 'verify-export', 'nope.jsonl', '--public-key', key]);
    expect(noExport.code, noExport.why).toBe(EXIT.invalid);
    expect(noExport.stderr).toMatch(/^error \[audit\.export_unreadable\]: nope\.jsonl/);
  });

  it('an unknown task is the same kind and exit as the other not-founds', async () => {
    const r = await cli(['tasks', 'close', '999', '--evidence', 'done', '--json']);
    expect(r.code, r.why).toBe(EXIT.invalid);
    expect(jsonError(r)).toEqual({
      code: 'task.not_found',
      kind: 'not_found',
      message: 'no task #999',
      details: {},
    });
    const agent = await cli(['agents', 'revoke', 'nope', '--json']);
    expect(agent.code, agent.why).toBe(r.code);
    expect(jsonError(agent)).toMatchObject({ code: 'agent.not_found', kind: 'not_found' });
  });

  it('a --json failure prints a parseable error object on stdout, the line on stderr', async () => {
    const r = await cli(['identities', 'show', 'E0000', '--json']);
    expect(r.code, r.why).toBe(EXIT.invalid);
    expect(jsonError(r)).toEqual({
      code: 'identity.not_found',
      kind: 'not_found',
      message: 'no identity "E0000"',
      details: {},
    });
    expect(r.stderr).toBe('error [identity.not_found]: no identity "E0000"\n');
  });

  it("commander's usage errors carry a code and exit 2, as JSON with --json", async () => {
    const unknown = await cli(['tasks', 'list', '--nope']);
    expect(unknown.code, unknown.why).toBe(EXIT.invalid);
    expect(unknown.stderr).toMatch(/^error \[cli\.unknown_option\]: unknown option '--nope'\n/);
    expect(unknown.stderr).toContain('Usage: tenure tasks list');

    const json = await cli(['tasks', 'list', '--json', '--nope']);
    expect(json.code, json.why).toBe(EXIT.invalid);
    expect(jsonError(json)).toEqual({
      code: 'cli.unknown_option',
      kind: 'invalid',
      message: "unknown option '--nope'",
      details: {},
    });

    const missing = await cli(['identities', 'show', '--json']);
    expect(missing.code, missing.why).toBe(EXIT.invalid);
    expect(jsonError(missing)).toMatchObject({ code: 'cli.missing_argument', kind: 'invalid' });
  });
});

describe('the CLI and the HTTP API agree', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp('sqlite', { applyDayOne: false });
  });
  afterAll(() => t?.cleanup());

  it.each([
    [['identities', 'show', 'E0000'], 'GET', '/api/v1/identities/E0000', undefined],
    [
      ['tasks', 'close', '999', '--evidence', 'x'],
      'POST',
      '/api/v1/tasks/999/close',
      { evidence: 'x' },
    ],
    [['agents', 'revoke', 'nope'], 'POST', '/api/v1/agents/nope/revoke', undefined],
  ] as const)('%j and %s %s give the same code', async (args, method, url, payload) => {
    const [r, res] = await Promise.all([
      cli([...args, '--json']),
      t.app.inject({ method, url, headers: t.bearer('admin'), ...(payload && { payload }) }),
    ]);
    const error = jsonError(r) as { code: Parameters<typeof statusFor>[0]; kind: string };
    expect(res.json().code).toBe(error.code);
    expect(res.statusCode).toBe(statusFor(error.code));
    expect(res.statusCode).toBe(404);
  });
});
