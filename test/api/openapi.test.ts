// The OpenAPI document says what the server does: every route served under /api/v1 is documented
// and every documented route is served; request schemas are the config file's own.
import { describe, expect, it } from 'vitest';
import { botModules } from '../../bots/index.js';
import { formats } from '../../src/inbound/index.js';
import { createApiV1, type ApiV1Deps } from '../../src/api/v1.js';
import { openApiDocument } from '../../src/api/openapi.js';

// Only what building the routes reads; handlers are not called here.
const deps = { botModules, formats, clock: { now: () => 0 }, version: '0.0.0-test', store: {}, objects: {}, live: {}, bots: new Map(), settle: async () => {} } as unknown as ApiV1Deps;

function served(): string[] {
  const { router } = createApiV1(deps);
  const out: string[] = [];
  for (const layer of router.stack as { methods: string[]; path: string }[]) {
    for (const m of layer.methods.filter((m) => m !== 'HEAD')) out.push(`${m.toLowerCase()} /api/v1${layer.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
  }
  return out.sort();
}

describe('OpenAPI document of /api/v1', () => {
  const { api } = createApiV1(deps);
  const doc = openApiDocument(api.defs, '0.0.0-test') as { openapi: string; paths: Record<string, Record<string, any>> };
  const documented = Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
    .sort();

  it('documents exactly the routes served', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(documented).toEqual(served());
    expect(documented).toContain('put /api/v1/sources/{name}');
    expect(documented).toContain('post /api/v1/volcengine/register');
    expect(documented).toContain('get /api/v1/openapi.json');
  });

  it("describes a source body with the config file's schema: formats, strict keys", () => {
    const schema = doc.paths['/api/v1/sources/{name}']!['put'].requestBody.content['application/json'].schema;
    const text = JSON.stringify(schema);
    for (const f of Object.keys(formats)) expect(text).toContain(`"const":"${f}"`);
    expect(text).toContain('"additionalProperties":false');
    expect(doc.paths['/api/v1/sources/{name}']!['put'].parameters).toEqual([{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  it('every operation says its success answer and the 401', () => {
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) {
      expect(op.summary).toBeTruthy();
      expect(op.responses['401']).toBeDefined();
    }
  });
});
