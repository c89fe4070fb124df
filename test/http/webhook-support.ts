/** Shared by the webhook and replica tests: a small organisation whose HR source takes signed events. */
import { signatureHeader } from '../../src/sources/common/tenure-signature.js';
import { SMALL_YAML } from '../support/small-org.js';

export const SECRET_ENV = 'TENURE_TEST_HR_WEBHOOK_SECRET';
export const SECRET = 'test-webhook-secret-5f1c9a';

/** SMALL_YAML with a webhook on source `hr` and the given schedules (all off by default). */
export const webhookYaml = (
  schedules = 'import_and_run: { enabled: false }, lifecycle_tick: { enabled: false }, reconcile: { enabled: false }',
) =>
  `${SMALL_YAML().replace(
    'sources: [{ id: hr, type: file, path: hr/people.csv }]',
    `sources: [{ id: hr, type: file, path: hr/people.csv, webhook: { secret: "\${env:${SECRET_ENV}}" } }]`,
  )}schedules: { ${schedules} }\n`;

/** A signed request as an HR system would send it. */
export function signedEvent(
  body: unknown,
  opts: { at?: Date; secret?: string; raw?: string } = {},
): { payload: string; headers: Record<string, string> } {
  const payload = opts.raw ?? JSON.stringify(body);
  const t = Math.floor((opts.at ?? new Date()).getTime() / 1000);
  return {
    payload,
    headers: {
      'content-type': 'application/json',
      'x-tenure-signature': signatureHeader(payload, opts.secret ?? SECRET, t),
    },
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
