/** The OpenAPI 3.1 document: generated from the routes' own zod schemas, covering every route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support.js';

type Operation = {
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  security?: unknown[];
  parameters?: { name: string; in: string }[];
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

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

  it('every $ref resolves to a component', () => {
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });
});
