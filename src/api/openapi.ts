// The OpenAPI 3.1 document of /api/v1, generated from the route declarations and their zod schemas
// (z.toJSONSchema), so it says what the server does.
import * as z from 'zod';
import type { RouteDef } from './define.js';
import { errorBody } from './schemas.js';

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

export function openApiDocument(defs: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of defs) {
    const path = '/api/v1' + d.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const params = [...d.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = d.query ? Object.entries(d.query.shape).map(([name, s]) => ({ name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema: json(s as z.ZodType) })) : [];
    const ok = d.status ?? (d.response ? 200 : 204);
    const responses: Record<string, unknown> = {
      [ok]: { description: 'success', ...(d.response ? { content: { 'application/json': { schema: json(d.response) } } } : {}) },
      401: { description: 'missing or wrong API token', content: { 'application/json': { schema: json(errorBody) } } },
    };
    for (const [status, description] of Object.entries(d.errors ?? {})) responses[status] = { description, content: { 'application/json': { schema: json(errorBody) } } };
    (paths[path] ??= {})[d.method] = {
      summary: d.summary,
      tags: [d.tag],
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(d.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(d.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'hookbot management API', version, description: 'Runtime configuration, deliveries and Volcengine callback registration. Every call needs Authorization: Bearer <server.apiToken>.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'server.apiToken' } } },
    paths,
  };
}
