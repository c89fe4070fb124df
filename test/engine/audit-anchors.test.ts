/**
 * The signed head outside the database: every checkpoint goes to the head file, the witness file,
 * a webhook and syslog; `audit verify` fails a database rolled back or rewritten behind them.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkpointHash, hashEvent } from '../../src/audit/chain-hash.js';
import { checkpoint } from '../../src/engine/audit/checkpoint.js';
import { verifyWorkspaceAudit } from '../../src/engine/audit/verify.js';
import { verifySignature } from '../../src/sources/common/tenure-signature.js';
import type { TestDialect } from '../support/databases.js';
import { testDialects } from '../support/databases.js';
import { auditInput } from '../support/fixtures.js';
import { DEMO_DIR, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const SECRET_ENV = 'TENURE_TEST_WITNESS_SECRET';

const dropGuards = (dialect: TestDialect) =>
  dialect === 'sqlite'
    ? `DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;
       DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;`
    : `DROP TRIGGER audit_events_append_only ON audit_events;
       DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints;`;

describe.each(testDialects())('audit anchors (%s)', (dialect) => {
  let t: TestWorkspace;
  let server: Server;
  let syslog: Socket;
  const posts: { body: string; signature: string | undefined }[] = [];
  const datagrams: string[] = [];

  beforeAll(async () => {
    process.env[SECRET_ENV] = 'witness-secret';
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const signature = req.headers['x-tenure-signature'];
        posts.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: signature as string,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    syslog = createSocket('udp4');
    syslog.on('message', (m) => datagrams.push(m.toString('utf8')));
    await new Promise<void>((r) => syslog.bind(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    syslog.close();
  });

  const witnessYaml = () => {
    const port = (server.address() as AddressInfo).port;
    const udp = syslog.address().port;
    return `${readFileSync(join(DEMO_DIR, 'tenure.yaml'), 'utf8')}
audit:
  witness:
    file: witness/audit-witness.jsonl
    webhook:
      url: http://127.0.0.1:${port}/witness
      secret: \${env:${SECRET_ENV}}
    syslog:
      host: 127.0.0.1
      port: ${udp}
`;
  };

  const witnessFile = () => join(t.dir, 'witness', 'audit-witness.jsonl');
  const headFile = () => join(t.dir, '.tenure', 'audit-head.json');

  // 20 events, checkpoints at 10 and 20, each anchored.
  beforeEach(async () => {
    posts.length = 0;
    datagrams.length = 0;
    t = await makeWorkspace(dialect, { yaml: witnessYaml(), demoFiles: false });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(t.dir, 'witness'));
    await t.ws.store.audit.append(Array.from({ length: 10 }, (_, i) => auditInput(i)));
    await checkpoint(t.ws);
    await t.ws.store.audit.append(Array.from({ length: 10 }, (_, i) => auditInput(10 + i)));
    await checkpoint(t.ws);
  });
  afterEach(() => t.cleanup());

  it('anchors each checkpoint in the head file, the witness file, the webhook and syslog', async () => {
    const [, last] = await t.ws.store.audit.checkpoints();
    const head = JSON.parse(readFileSync(headFile(), 'utf8'));
    expect(head).toEqual({
      type: 'tenure.audit.head',
      version: 1,
      seq: 20,
      head_hash: (await t.ws.store.audit.head()).hash,
      checkpoint_hash: checkpointHash(last!),
      checkpoint: { ...last, ts: last!.ts },
    });
    const lines = readFileSync(witnessFile(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([10, 20]);
    expect(posts).toHaveLength(2);
    const body = Buffer.from(posts[1]!.body);
    expect(() =>
      verifySignature({
        header: posts[1]!.signature,
        body,
        secret: 'witness-secret',
        now: new Date('2026-11-26T09:00:00Z'),
      }),
    ).not.toThrow();
    expect(JSON.parse(posts[1]!.body)).toMatchObject({
      seq: 20,
      checkpoint_hash: head.checkpoint_hash,
    });
    await expect.poll(() => datagrams.length).toBe(2);
    expect(datagrams[1]).toMatch(/^<110>1 \S+ \S+ tenure \d+ audit\.checkpoint - \{.*"seq":20/);

    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: true,
      events: 20,
      signatures: 'verified',
      signed_through: 20,
      anchors: [
        `head file ${headFile()}: seq 20`,
        `witness file ${witnessFile()}: 2 checkpoints, last at seq 20`,
      ],
      notes: [],
    });
  });

  it('fails a database whose checkpoints were deleted and an event rewritten and re-hashed', async () => {
    await t.db.exec(dropGuards(dialect));
    await t.db.exec('DELETE FROM audit_checkpoints');
    await t.db.exec("UPDATE audit_events SET actor = 'admin:mallory' WHERE seq = 5");
    const rows = await t.db.query<Record<string, string | number>>(
      'SELECT * FROM audit_events ORDER BY seq',
    );
    let prev = String(rows[3]!.hash);
    for (const r of rows.slice(4)) {
      const fixed = { ...r, seq: Number(r.seq), prev_hash: prev } as never;
      prev = hashEvent(fixed);
      await t.db.exec(
        `UPDATE audit_events SET prev_hash = '${(fixed as { prev_hash: string }).prev_hash}', hash = '${prev}' WHERE seq = ${r.seq}`,
      );
    }
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(
        /head file .* anchors the checkpoint at seq 20, which is missing from the database/,
      ),
    });
    // The witness alone (head file gone with the host) still tells.
    rmSync(headFile());
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: false,
      first_bad_seq: 10,
      reason: expect.stringMatching(
        /witness file .* line 1 anchors the checkpoint at seq 10, which is missing/,
      ),
    });
  });

  it('fails a database rolled back behind the anchored head (shorter chain, last checkpoint gone)', async () => {
    await t.db.exec(dropGuards(dialect));
    await t.db.exec('DELETE FROM audit_events WHERE seq > 12');
    await t.db.exec('DELETE FROM audit_checkpoints WHERE seq = 20');
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(
        /missing from the database: checkpoints were deleted or the database was rolled back/,
      ),
    });
  });

  it('fails a chain that is shorter than the anchored head even with the checkpoint kept', async () => {
    await t.db.exec(dropGuards(dialect));
    await t.db.exec('DELETE FROM audit_events WHERE seq > 15');
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: false,
      first_bad_seq: 16,
      reason: expect.stringMatching(/beyond the end of the chain/),
    });
  });

  it('fails on a garbled witness line, and says when signatures were not checked', async () => {
    writeFileSync(
      witnessFile(),
      `${readFileSync(witnessFile(), 'utf8')}{"type":"tenure.audit.head"}\n`,
    );
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/witness file .* line 3 is unreadable/),
    });
    writeFileSync(
      witnessFile(),
      readFileSync(witnessFile(), 'utf8').split('\n').slice(0, 2).join('\n'),
    );
    await expect(
      verifyWorkspaceAudit(t.ws, { publicKeyFile: join(t.dir, 'nope.pub') }),
    ).rejects.toMatchObject({ code: 'audit.no_public_key' });
    rmSync(join(t.dir, '.tenure', 'audit-signing.pub'));
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({
      ok: true,
      signatures: 'not_checked',
      signatures_reason: expect.stringMatching(/public key .*audit-signing\.pub not found/),
    });
  });

  it('a checkpoint first writes the refusal counts of minutes that are over, and signs them', async () => {
    const refusal = {
      action: 'webhook.refused' as const,
      trigger: 'hr:nope:webhook',
      target: 'source:nope',
      reason: 'webhook.unknown_source',
      details: {},
      ts: t.ws.clock().toISOString(),
    };
    for (let i = 0; i < 5; i++) await t.ws.store.audit.recordRefusal(refusal);
    t.setNow('2026-11-26T09:01:00Z');
    await checkpoint(t.ws);
    const head = await t.ws.store.audit.head();
    expect(head.seq).toBe(22); // the first refusal, then one row counting the other 4
    expect((await t.ws.store.audit.checkpoints()).at(-1)).toMatchObject({ seq: 22 });
    expect(await verifyWorkspaceAudit(t.ws)).toMatchObject({ ok: true, signed_through: 22 });
  });
});
