/**
 * The OpenAPI 3.1 document: generated from the routes' own zod schemas, covering every route,
 * valid under an independent validator and held to lint rules (operationId, tags, a success
 * response, no unused components). Every check walks the whole document, so routes added later
 * are covered without touching this file.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support.js';

type Response = { headers?: Record<string, unknown>; content?: Record<string, unknown> };
type Operation = {
  operationId?: string;
  tags?: string[];
  responses: Record<string, Response>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  security?: unknown[];
  parameters?: { name: string; in: string }[];
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );
const refsIn = (value: unknown) =>
  [...JSON.stringify(value).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
/** A parameter named like a JSON Schema keyword is a schema mistaken for its properties. */
const SCHEMA_KEYWORDS = new Set(['type', 'properties', 'propertyNames', 'additionalProperties']);

/** Routes deliberately left out of the document (`schema.hide`). */
const HIDDEN = new Set(['GET /', 'GET /api/v1/openapi.json']);

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await makeTestApp('sqlite', { applyDayOne: false });
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(() => t?.cleanup());

  it('is OpenAPI 3.1 with both security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toMatch(/Tenure/);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'session']);
  });

  it('has an operation, with responses, for every route', () => {
    const missing: string[] = [];
    for (const r of t.app.routesTable) {
      const key = `${r.method} ${r.url}`;
      if (HIDDEN.has(key)) continue;
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      if (!op || Object.keys(op.responses ?? {}).length === 0) missing.push(key);
    }
    expect(missing).toEqual([]);
    for (const key of HIDDEN)
      expect(JSON.stringify(doc.paths)).not.toContain(`"${key.split(' ')[1]}":`);
  });

  it('describes strict request bodies, typed parameters and problem responses', () => {
    const create = doc.paths['/api/v1/users']!.post!;
    const body = create.requestBody!.content['application/json']!.schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(expect.arrayContaining(['username', 'role']));
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '4XX', '5XX']));
    const list = doc.paths['/api/v1/identities']!.get!;
    expect(list.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['cursor', 'limit', 'status', 'missing']),
    );
    expect(doc.paths['/api/v1/auth/login']!.post!.security).toEqual([]);
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('is valid under an independent OpenAPI validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.servers?.length ?? 0).toBeGreaterThan(0);
  });

  it('gives every operation a unique camelCase operationId, tags and a success response', () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(40);
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const { key, op } of ops) {
      const id = op.operationId;
      if (!id || !/^[a-z][a-zA-Z0-9]*$/.test(id)) problems.push(`${key}: operationId ${id}`);
      else if (seen.has(id)) problems.push(`${key}: operationId ${id} also on ${seen.get(id)}`);
      else seen.set(id, key);
      if (!op.tags?.length) problems.push(`${key}: no tags`);
      const codes = Object.keys(op.responses);
      // A 2XX; only a browser redirect step (a 3XX naming its Location) may do without one.
      const redirects = codes.filter(
        (c) => /^3/.test(c) && op.responses[c]?.headers?.location !== undefined,
      );
      if (!codes.some((c) => /^2/.test(c)) && redirects.length === 0)
        problems.push(`${key}: no 2XX response (${codes.join(', ')})`);
      if (!codes.some((c) => /^4/.test(c))) problems.push(`${key}: no 4XX response`);
      for (const p of op.parameters ?? [])
        if (SCHEMA_KEYWORDS.has(p.name)) problems.push(`${key}: parameter named ${p.name}`);
    }
    expect(problems).toEqual([]);
  });

  it('has no unused component schemas', () => {
    const schemas = doc.components.schemas;
    const used = new Set<string>();
    const pending = refsIn(doc.paths);
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (used.has(name)) continue;
      used.add(name);
      pending.push(...refsIn(schemas[name] ?? null));
    }
    expect(Object.keys(schemas).filter((name) => !used.has(name))).toEqual([]);
  });

  it('every $ref resolves to a component', () => {
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });
});
