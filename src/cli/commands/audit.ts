/** audit verify|export: the evidence, checked and handed over. */

import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { exportAudit } from '../../audit/export.js';
import { PUBLIC_KEY_FILE } from '../../audit/signing-key.js';
import { createExportVerifier } from '../../audit/verify-export.js';
import { TenureError } from '../../domain/errors.js';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { verifyWorkspaceAudit } from '../../engine/audit/verify.js';
import { type GlobalOptions, withWorkspace } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addExamples, type CommandExamples } from '../help-examples.js';

const isoOption = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new TenureError('cli.bad_timestamp', `--${name} "${value}" is not an ISO timestamp`);
  return d.toISOString();
};

const EXAMPLES: CommandExamples = {
  'tenure audit': [
    'tenure -w tenure-demo audit verify',
    'tenure -w tenure-demo audit export --format jsonl --out audit.jsonl',
  ],
  'tenure audit verify': [
    'tenure -w tenure-demo audit verify',
    'tenure -w tenure-demo audit verify --public-key tenure-demo/.tenure/audit-signing.pub --json',
  ],
  'tenure audit export': [
    'tenure -w tenure-demo audit export --format jsonl --out audit.jsonl',
    'tenure -w tenure-demo audit export --format csv --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z --out november.csv',
  ],
  'tenure audit verify-export': [
    'tenure audit verify-export audit.jsonl --public-key tenure-demo/.tenure/audit-signing.pub',
    'tenure audit verify-export audit.jsonl --public-key tenure-demo/.tenure/audit-signing.pub --json',
  ],
};

export function registerAudit(program: Command, g: () => GlobalOptions): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description(
      're-walk the hash chain, the chained signed checkpoints and their anchors (head file, witness); exit 4 names the first bad seq',
    )
    .option(
      '--public-key <file>',
      'check signatures with this key (default .tenure/audit-signing.pub)',
    )
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const started = performance.now();
        const result = await verifyWorkspaceAudit(ws, {
          ...(o.publicKey !== undefined && { publicKeyFile: o.publicKey }),
        });
        const seconds = (performance.now() - started) / 1000;
        out.result({ ...result, seconds }, () => {
          if (result.ok) {
            out.line(
              `Audit trail intact: ${result.events} events, ${result.checkpoints} signed checkpoints, head ${result.head.slice(0, 16)}… (${seconds.toFixed(2)} s)`,
            );
            for (const a of result.anchors) out.line(`anchored: ${a}`);
            if (result.signed_through < result.events)
              out.line(
                `events after seq ${result.signed_through} are not signed yet (the next checkpoint will sign them)`,
              );
          } else {
            out.line(`AUDIT TRAIL BROKEN at seq ${result.first_bad_seq}: ${result.reason}`);
          }
          if (result.signatures === 'verified') out.line('signatures: verified');
          else out.line(`signatures: NOT CHECKED (${result.signatures_reason})`);
          for (const note of result.notes) out.line(`note: ${note}`);
        });
        if (!result.ok) process.exitCode = EXIT.tampered;
      }),
    );
  audit
    .command('export')
    .description('stream events as JSONL or CSV for an auditor (with the public key beside it)')
    .requiredOption('--format <format>', 'jsonl | csv')
    .option('--since <timestamp>', 'events at or after this ISO timestamp')
    .option('--until <timestamp>', 'events before this ISO timestamp')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o) =>
      withWorkspace(g(), async (ws) => {
        if (o.format !== 'jsonl' && o.format !== 'csv') {
          throw new TenureError('cli.bad_format', `--format "${o.format}": use jsonl or csv`);
        }
        const since = isoOption('since', o.since);
        const until = isoOption('until', o.until);
        // Sign the head first, so the export's last event is covered (verify-export insists).
        if (o.format === 'jsonl') await checkpoint(ws);
        const stream = o.out ? createWriteStream(o.out) : process.stdout;
        const keyFile = join(ws.stateDir, PUBLIC_KEY_FILE);
        const publicKeyPem = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : undefined;
        const count = await exportAudit(ws.store, {
          format: o.format,
          since,
          until,
          out: stream,
          publicKeyPem,
        });
        if (o.out) {
          await new Promise<void>((res, rej) =>
            stream.end((e?: Error | null) => (e ? rej(e) : res())),
          );
          process.stderr.write(
            `${count} events written to ${o.out}; public key: ${join(ws.stateDir, PUBLIC_KEY_FILE)}\n`,
          );
        }
      }),
    );
  audit
    .command('verify-export <file>')
    .description(
      'check a JSONL export offline (no workspace needed): hash chain, chained signed checkpoints, and that its last event is signed with the key',
    )
    .requiredOption(
      '--public-key <file>',
      "the workspace's audit-signing.pub, obtained separately from the export",
    )
    .option('--json', 'machine-readable output')
    .action(async (file: string, o) => {
      const verifier = createExportVerifier(readPublicKey(o.publicKey));
      if (!existsSync(file) || !statSync(file).isFile())
        throw new TenureError('audit.export_unreadable', `${file}: no such export file`, { file });
      const lines = createInterface({
        input: createReadStream(file),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) verifier.push(line);
      const result = verifier.finish();
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok)
        process.stdout.write(
          `Export intact: ${result.events} events, ${result.checkpoints} signed checkpoints verified, last event signed (seq ${result.signed_through}).\nsignatures: verified\n`,
        );
      else process.stdout.write(`EXPORT BROKEN at seq ${result.first_bad_seq}: ${result.reason}\n`);
      if (!result.ok) process.exitCode = EXIT.tampered;
    });
  addExamples(program, EXAMPLES);
}

/** The key an export is checked against: a missing or non-PEM file is bad input, named as such. */
function readPublicKey(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TenureError('audit.no_public_key', `--public-key ${path}: ${(e as Error).message}`, {
      file: path,
    });
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----'))
    throw new TenureError('audit.no_public_key', `--public-key ${path}: not a PEM public key`, {
      file: path,
    });
  return pem;
}
