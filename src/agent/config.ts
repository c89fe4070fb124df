/**
 * agent.yaml: what one on-prem agent needs — where the control plane is, which CA signs its TLS,
 * the site it serves, where its key lives, and the directory it writes to. Validated by zod;
 * every error names its path (`connector.settings.url: …`).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ldapConnector } from '../connectors/ldap/ldap-connector.js';
import { TenureError } from '../domain/errors.js';
import { formatIssues } from './format-issues.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const agentConfigSchema = z
  .strictObject({
    /** The control plane's base URL, e.g. https://tenure.example.com (no path). */
    server_url: z
      .url()
      .refine((u) => /^https?:\/\/[^/]+\/?$/.test(u), 'must be scheme://host[:port]'),
    /** PEM of the private CA that signed the control plane's certificate; absent = system CAs. */
    ca_file: z.string().min(1).optional(),
    /** The site whose queue this agent serves (`route: agent:<site>` in tenure.yaml). */
    site: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, "-" or "_"'),
    /** Holds the agent's private key (mode 0600) and its enrolled id. */
    state_dir: z.string().min(1),
    connector: z.strictObject({
      kind: z.literal('ldap', 'only the ldap connector runs on the agent'),
      settings: z.record(z.string(), z.unknown()),
    }),
    /** On SIGTERM: how long in-flight jobs may run before they are released. */
    shutdown_grace_seconds: z.number().min(0).max(600).default(20),
    /** Back-off when the control plane is unreachable: full jitter, doubling from base to cap. */
    backoff: z
      .strictObject({
        base_ms: z.number().int().min(10).max(60_000).default(500),
        max_ms: z.number().int().min(100).max(600_000).default(30_000),
      })
      .prefault({}),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    /** Testing only: plain http:// to a loopback control plane. */
    allow_insecure_http: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const u = new URL(c.server_url);
    if (u.protocol === 'https:') return;
    if (!c.allow_insecure_http || !LOOPBACK.has(u.hostname))
      ctx.addIssue({
        code: 'custom',
        path: ['server_url'],
        message: 'must be https:// (http:// only with allow_insecure_http, on loopback)',
      });
  });

export type AgentConfigInput = z.infer<typeof agentConfigSchema>;

/** The validated config with paths made absolute and the connector settings parsed. */
export type AgentConfig = Omit<AgentConfigInput, 'connector'> & {
  /** Directory the relative paths of the file were resolved against. */
  baseDir: string;
  connector: { kind: 'ldap'; settings: z.infer<typeof ldapConnector.configGuard> };
};

const absolute = (base: string, p: string) => (isAbsolute(p) ? p : resolve(base, p));

/** Parses agent.yaml text; `baseDir` resolves ca_file, state_dir and the connector's ca_file. */
export function parseAgentConfig(text: string, baseDir: string, file = 'agent.yaml'): AgentConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new TenureError(
      'agent.config_invalid',
      `${file}: ${doc.errors.map((e) => e.message).join('; ')}`,
      { file },
    );
  const parsed = agentConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw invalid(file, formatIssues(parsed.error.issues));
  const c = parsed.data;
  const settings = ldapConnector.configGuard.safeParse(c.connector.settings);
  if (!settings.success)
    throw invalid(file, formatIssues(settings.error.issues, ['connector', 'settings']));
  const s = settings.data;
  if (s.tls.ca_file) s.tls = { ...s.tls, ca_file: absolute(baseDir, s.tls.ca_file) };
  return {
    ...c,
    baseDir,
    ...(c.ca_file ? { ca_file: absolute(baseDir, c.ca_file) } : {}),
    state_dir: absolute(baseDir, c.state_dir),
    server_url: c.server_url.replace(/\/$/, ''),
    connector: { kind: 'ldap', settings: s },
  };
}

export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TenureError('agent.config_unreadable', `${file}: ${(e as Error).message}`, { file });
  }
  return parseAgentConfig(text, dirname(resolve(file)), file);
}

const invalid = (file: string, problems: string[]) =>
  new TenureError('agent.config_invalid', `${file}:\n  ${problems.join('\n  ')}`, {
    file,
    problems,
  });
