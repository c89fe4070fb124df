/**
 * `npm run build:agent`: dist/agent.js is one self-contained file — it runs from a directory with
 * no node_modules, and the metafile shows none of the server's dependencies went in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tenure-agent-bundle-'));
const alone = mkdtempSync(join(tmpdir(), 'tenure-agent-alone-'));
let printed = '';

beforeAll(() => {
  printed = execFileSync(process.execPath, [join(REPO, 'scripts/build-agent.mjs')], {
    env: { ...process.env, TENURE_AGENT_OUTDIR: out },
    encoding: 'utf8',
  });
  // No package.json, no node_modules anywhere above: only what the bundle carries.
  copyFileSync(join(out, 'agent.js'), join(alone, 'agent.js'));
}, 120_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(alone, { recursive: true, force: true });
});

describe('the agent bundle', () => {
  it('prints its size', () => {
    expect(printed).toMatch(/agent\.js: \d+ KiB \(\d+ bytes\), \d+ modules/);
  });

  it('does not contain SQLite, Kysely, pg or Fastify; it does contain ldapts, jose, zod, yaml, pino', () => {
    const meta = JSON.parse(readFileSync(join(out, 'agent.meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const packages = new Set(
      Object.keys(meta.inputs).map((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i)?.[1]),
    );
    for (const server of [
      'better-sqlite3',
      'kysely',
      'pg',
      'fastify',
      'commander',
      'openid-client',
    ])
      expect(packages.has(server), server).toBe(false);
    expect([...packages].some((p) => p?.startsWith('@fastify/'))).toBe(false);
    for (const agent of ['ldapts', 'jose', 'zod', 'yaml', 'pino'])
      expect(packages.has(agent), agent).toBe(true);
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => /^src\/(store|http|engine|cli)\//.test(i))).toBe(false);
    const text = readFileSync(join(out, 'agent.js'), 'utf8');
    for (const s of ['better-sqlite3', 'better_sqlite3.node', 'kysely', 'fastify'])
      expect(text.includes(s), s).toBe(false);
  });

  it('carries only the agent, its protocol, the connectors and the domain: no tenure.yaml or HR-system schema', () => {
    const meta = JSON.parse(readFileSync(join(out, 'agent.meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const layers = new Set(
      Object.keys(meta.inputs)
        .filter((i) => i.startsWith('src/'))
        .map((i) => i.split('/')[1]),
    );
    expect([...layers].sort()).toEqual(['agent', 'connectors', 'domain', 'protocol']);
    // connectors/ldap/settings.ts once imported secretRef from config/schema.ts, which brought
    // tenure.yaml's schema and the BambooHR, HiBob and Workday source schemas along.
    const text = readFileSync(join(out, 'agent.js'), 'utf8');
    for (const s of ['unknown source type', 'max_deprovision_share', 'bamboohr', 'workday'])
      expect(text.includes(s), s).toBe(false);
  });

  it('runs on its own: --version, and a bad config is refused naming the path (exit 2)', () => {
    const v = spawnSync(process.execPath, [join(alone, 'agent.js'), '--version'], {
      cwd: alone,
      encoding: 'utf8',
    });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    writeFileSync(
      join(alone, 'agent.yaml'),
      'server_url: https://cp.example\nsite: HQ\nstate_dir: s\nconnector: { kind: ldap, settings: { url: nope } }\n',
    );
    const bad = spawnSync(process.execPath, [join(alone, 'agent.js'), '--config', 'agent.yaml'], {
      cwd: alone,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('error [agent.config_invalid]');
    expect(bad.stderr).toContain('connector.settings.url: must be ldap://host[:port]');
  });

  it('its Dockerfile: node:24-slim (Node 24 LTS), the bundle only, a non-root user, a key volume, no EXPOSE', () => {
    const text = readFileSync(join(REPO, 'deploy/agent/Dockerfile'), 'utf8');
    const steps = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(steps[0]).toBe('FROM node:24-slim');
    expect(steps.filter((l) => /^COPY /.test(l))).toEqual(['COPY dist/agent.js ./agent.js']);
    expect(steps.some((l) => /^EXPOSE\b/i.test(l))).toBe(false);
    const user = steps.filter((l) => /^USER /.test(l));
    expect(user).toEqual(['USER node']);
    expect(steps.indexOf(user[0]!)).toBeGreaterThan(steps.findIndex((l) => /^RUN /.test(l)));
    expect(steps).toContain('VOLUME ["/var/lib/tenure-agent"]');
    expect(steps).toContain('ENTRYPOINT ["node", "/opt/tenure-agent/agent.js"]');
    const ignore = readFileSync(join(REPO, 'deploy/agent/Dockerfile.dockerignore'), 'utf8');
    expect(ignore).toMatch(/^\*$/m);
    expect(ignore).toMatch(/^!dist\/agent\.js$/m);
  });
});
