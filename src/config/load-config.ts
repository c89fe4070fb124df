/** Reads tenure.yaml, validates it whole, and reports every problem with its path and reason. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { connectorKinds, findConnector } from '../connectors/registry.js';
import { TenureError } from '../domain/errors.js';
import { templateFields } from '../domain/policy.js';
import { SECRET_REF } from '../domain/secret-ref.js';
import { formatIssues, formatPath } from './format-issues.js';
import { reviewTemplateProblems } from './reviews-schema.js';
import { configSchema, type TenureConfig } from './schema.js';

export type LoadedConfig = TenureConfig & {
  /** Directory of tenure.yaml; relative paths resolve here. */ baseDir: string;
  file: string;
};

const SECRET_KEY = /(password|passwd|secret|token|api[_-]?key|credential)/i;

export function loadConfig(file: string): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TenureError('config.unreadable', `${path}: ${(e as Error).message}`);
  }
  return parseConfig(text, path);
}

export function parseConfig(text: string, file: string): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TenureError(
      'config.invalid_yaml',
      `${file}: ${doc.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const parsed = configSchema.safeParse(doc.toJS());
  if (!parsed.success) throw invalid(file, formatIssues(parsed.error.issues));
  const config = parsed.data;
  const problems = crossCheck(config);
  if (problems.length > 0) throw invalid(file, problems);
  return { ...config, baseDir: dirname(file), file };
}

function invalid(file: string, problems: string[]): TenureError {
  return new TenureError(
    'config.invalid',
    `${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    { problems },
  );
}

/** Checks the schema can't express: references between sections, connector settings, templates. */
function crossCheck(config: TenureConfig): string[] {
  const problems: string[] = [];
  const dup = (what: string, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) problems.push(`${what}[${i}].id: duplicate id "${id}"`);
      seen.add(id);
    });
  };
  dup(
    'sources',
    config.sources.map((s) => s.id),
  );
  dup(
    'applications',
    config.applications.map((a) => a.id),
  );
  dup(
    'policies',
    config.policies.map((p) => p.id),
  );

  const apps = new Map(config.applications.map((a) => [a.id, a]));
  config.applications.forEach((app, i) => {
    const at = `applications[${i}]`;
    const factory = findConnector(app.connector);
    if (!factory) {
      problems.push(
        `${at}.connector: unknown connector "${app.connector}" (known: ${connectorKinds().join(', ')})`,
      );
    } else {
      const settings = factory.configGuard.safeParse(app.settings);
      if (!settings.success)
        problems.push(...formatIssues(settings.error.issues, [at, 'settings'].flatMap(splitPath)));
    }
    problems.push(...literalSecrets(app.settings, `${at}.settings`));
    problems.push(...badTemplate(app.account_id, `${at}.account_id`));
    dup(
      `${at}.entitlements`,
      app.entitlements.map((e) => e.id),
    );
  });

  config.policies.forEach((policy, i) => {
    policy.accounts.forEach((spec, j) => {
      const at = `policies[${i}].accounts[${j}]`;
      const app = apps.get(spec.application);
      if (!app) {
        problems.push(`${at}.application: unknown application "${spec.application}"`);
        return;
      }
      const known = new Set(app.entitlements.map((e) => e.id));
      spec.entitlements.forEach((ent, k) => {
        if (!known.has(ent)) {
          problems.push(
            `${at}.entitlements[${k}]: unknown entitlement "${ent}" in application "${app.id}"`,
          );
        }
      });
      for (const [key, tpl] of Object.entries(spec.attributes)) {
        problems.push(...badTemplate(tpl, `${at}.attributes.${key}`));
        if (app.connector === 'ldap' && key === 'manager') problems.push(...dnManager(tpl, at));
      }
      if (spec.container) problems.push(...badTemplate(spec.container, `${at}.container`));
    });
  });
  problems.push(...reviewTemplateProblems(config.reviews, config));
  return problems;
}

const splitPath = (p: string): PropertyKey[] => {
  const m = /^(\w+)\[(\d+)\]$/.exec(p);
  return m ? [m[1]!, Number(m[2])] : [p];
};

function badTemplate(tpl: string, at: string): string[] {
  try {
    templateFields(tpl); // throws naming the unknown field and the known ones
    return [];
  } catch (e) {
    return [`${at}: ${(e as Error).message}`];
  }
}

/**
 * An ldap `manager` is the manager's employee id, which the connector links to their account: a
 * DN there is never found, so the link would be proposed again after every run.
 */
function dnManager(tpl: string, at: string): string[] {
  if (!tpl.replace(/\{[^}]*\}/g, '').includes('=')) return [];
  return [
    `${at}.attributes.manager: "${tpl}" looks like a DN; an ldap manager is the manager's employee id (e.g. "{manager_id}"), linked to the DN of their account`,
  ];
}

/** Credentials may only appear as ${env:NAME}, so tenure.yaml can be committed and shown safely. */
function literalSecrets(value: unknown, at: string): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const path = Array.isArray(value) ? `${at}[${k}]` : `${at}.${k}`;
      if (typeof v === 'string' && SECRET_KEY.test(k) && !SECRET_REF.test(v)) {
        return [`${path}: secrets must be written as \${env:NAME}, not inline`];
      }
      return literalSecrets(v, path);
    });
  }
  return [];
}

/** Resolves a `${env:NAME}` reference at the moment of use; the value is never logged. */
export function resolveSecret(ref: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = SECRET_REF.exec(ref);
  if (!m) throw new TenureError('config.secret_ref', `"${ref}" is not a \${env:NAME} reference`);
  const value = env[m[1]!];
  if (value === undefined || value === '') {
    throw new TenureError(
      'config.secret_unset',
      `environment variable ${m[1]} (referenced as ${ref}) is not set`,
    );
  }
  return value;
}

export { formatPath };
