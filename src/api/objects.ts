// /api/v1 CRUD for the config objects kept in the store: list (with filters), get, PUT (create or
// replace the whole object), DELETE. The file's objects are listed too, read-only.
import type Koa from 'koa';
import * as z from 'zod';
import { ConfigError } from '../config.js';
import { HttpError } from '../http/errors.js';
import type { LiveConfig } from '../runtime/live.js';
import { SECTION } from '../runtime/overlay.js';
import type { Clock } from '../clock.js';
import type { ConfigObjectStore, ObjectKind, StoredObject } from '../store/config-objects.js';
import type { Auditor } from './audit.js';
import { param, queryString, type ApiBuilder } from './define.js';
import { maskObject } from './mask.js';
import { errorBody, listed, objectName } from './schemas.js';

export type ManagedKind = Exclude<ObjectKind, 'volcKeys'>;

export interface ObjectDeps {
  live: LiveConfig;
  objects: ConfigObjectStore;
  clock: Clock;
  audit: Auditor;
}

export interface KindOptions {
  /** URL segment: sources, routes, templates, people, groups. */
  plural: string;
  schema: z.ZodType;
  /** Extra list filters: query name → test on the raw value. */
  filters?: Record<string, (value: any, want: string) => boolean>;
  /** Turns the body into the object to store (e.g. a token made when none is given). */
  prepare?: (name: string, body: any, previous: StoredObject | undefined) => any;
  /** Adds to the PUT answer (e.g. the URL to paste into the sender). */
  answer?: (ctx: Koa.Context, name: string, stored: any, previous: StoredObject | undefined) => Record<string, unknown>;
  /** Adds to each listed object (and to the PUT answer, which `answer` may then override). */
  extra?: (name: string, value: any, ctx: Koa.Context) => Record<string, unknown>;
  /** What `extra` adds, for the OpenAPI document. */
  extraShape?: z.ZodRawShape;
}

export function objectRoutes(api: ApiBuilder, kind: ManagedKind, o: KindOptions, deps: ObjectDeps): void {
  const section = SECTION[kind];
  const tag = o.plural;
  const item = o.extraShape ? listed(o.schema).extend(o.extraShape) : listed(o.schema);

  const fileEntries = (): [string, unknown][] => {
    const raw = deps.live.current.fileRaw[section];
    if (kind === 'route') return ((raw as unknown[] | undefined) ?? []).map((r, i) => [`file-${i}`, r]);
    return Object.entries((raw as Record<string, unknown> | undefined) ?? {});
  };
  const inFile = (name: string) => (kind === 'route' ? name.startsWith('file-') && fileEntries().some(([n]) => n === name) : deps.live.inFile(kind, name));
  const show = (ctx: Koa.Context, name: string, value: unknown, origin: 'file' | 'api', s?: StoredObject) => ({
    name,
    origin,
    readOnly: origin === 'file',
    value: maskObject(value),
    ...(s ? { updatedAt: s.updatedAt, updatedBy: s.updatedBy } : {}),
    ...(o.extra?.(name, value, ctx) ?? {}),
  });
  const all = async (ctx: Koa.Context) => [...fileEntries().map(([n, v]) => show(ctx, n, v, 'file')), ...(await deps.objects.list(kind)).map((s) => show(ctx, s.name, s.body, 'api', s))];
  const readOnly = (name: string) => new HttpError(409, `${section}${kind === 'route' ? '' : '.' + name} is defined in the config file: edit the file, then reload (SIGHUP or POST /api/v1/reload)`);

  const filterQuery = z.object({ origin: z.enum(['file', 'api']).optional(), q: z.string().optional(), ...Object.fromEntries(Object.keys(o.filters ?? {}).map((k) => [k, z.string().optional()])) });
  api.add({ method: 'get', path: `/${o.plural}`, tag, summary: `List ${o.plural} (the file's, read-only, and those created through the API)`, query: filterQuery, response: z.array(item) }, async (ctx) => {
    const origin = queryString(ctx, 'origin');
    const q = queryString(ctx, 'q')?.toLowerCase();
    return (await all(ctx)).filter(
      (x) =>
        (!origin || x.origin === origin) &&
        (!q || x.name.toLowerCase().includes(q) || JSON.stringify(x.value).toLowerCase().includes(q)) &&
        Object.entries(o.filters ?? {}).every(([k, test]) => {
          const want = queryString(ctx, k);
          return want === undefined || test(x.value, want);
        }),
    );
  });

  api.add({ method: 'get', path: `/${o.plural}/:name`, tag, summary: `One of the ${o.plural}`, response: item, errors: { 404: 'no such object' } }, async (ctx) => {
    const name = param(ctx, 'name');
    const found = (await all(ctx)).find((x) => x.name === name);
    if (!found) throw new HttpError(404, `no ${kind} '${name}': list them with GET /api/v1/${o.plural}`);
    return found;
  });

  api.add(
    { method: 'put', path: `/${o.plural}/:name`, tag, summary: `Create or wholly replace one of the ${o.plural}; takes effect at once`, body: o.schema, response: item.extend({ created: z.boolean() }).passthrough(), errors: { 400: 'the body is invalid: `problems` names each field and the fix', 409: 'defined in the config file' } },
    async (ctx, body) => {
      const name = param(ctx, 'name');
      const what = `PUT /api/v1/${o.plural}/${name}`;
      try {
        if (!objectName.safeParse(name).success) throw new HttpError(400, `'${name}' is not a valid name: use 1-64 letters, digits, '.', '-' or '_'`);
        if (inFile(name)) throw readOnly(name);
        if (body === undefined) throw new HttpError(400, `send the ${kind} as a JSON body`);
        const previous = await deps.objects.get(kind, name);
        const value = o.prepare ? o.prepare(name, body, previous) : body;
        const next: StoredObject = { kind, name, body: value, updatedAt: deps.clock.now(), updatedBy: 'api' };
        const stored = (await deps.objects.list()).filter((s) => !(s.kind === kind && s.name === name));
        await validate(deps, [...stored, next]);
        const outcome = await deps.objects.put(next);
        await deps.live.refresh(true);
        await deps.audit(ctx, what, name, 'ok', outcome);
        ctx.state['status'] = outcome === 'created' ? 201 : 200;
        return { ...show(ctx, name, value, 'api', next), created: outcome === 'created', ...(o.answer?.(ctx, name, value, previous) ?? {}) };
      } catch (e) {
        if (e instanceof HttpError) await deps.audit(ctx, what, name, 'refused', e.message);
        throw e;
      }
    },
  );

  api.add({ method: 'delete', path: `/${o.plural}/:name`, tag, summary: `Delete one of the ${o.plural} created through the API; takes effect at once`, errors: { 404: 'no such object', 409: 'defined in the config file, or the config would not validate without it (`problems` says why)' } }, async (ctx) => {
    const name = param(ctx, 'name');
    const what = `DELETE /api/v1/${o.plural}/${name}`;
    try {
      if (inFile(name)) throw readOnly(name);
      if (!(await deps.objects.get(kind, name))) throw new HttpError(404, `no ${kind} '${name}' was created through the API`);
      await validate(deps, (await deps.objects.list()).filter((s) => !(s.kind === kind && s.name === name)), 409);
      await deps.objects.delete(kind, name);
      if (kind === 'source') await deps.objects.delete('volcKeys', name);
      await deps.live.refresh(true);
      await deps.audit(ctx, what, name, 'ok');
      return undefined;
    } catch (e) {
      if (e instanceof HttpError) await deps.audit(ctx, what, name, 'refused', e.message);
      throw e;
    }
  });
}

/** The whole config with this change, checked as `hookbot check` would; refused with every problem. */
async function validate(deps: ObjectDeps, stored: StoredObject[], status = 400): Promise<void> {
  try {
    await deps.live.check(stored);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ProblemsError(status, e.problems);
  }
}

/** An HttpError that lists each problem, as `hookbot check` prints them. */
export class ProblemsError extends HttpError {
  constructor(status: number, readonly problems: string[]) {
    super(status, `invalid configuration: ${problems.join('; ')}`);
  }
}

export { errorBody };
export type { Koa };
