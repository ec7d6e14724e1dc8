// Each /api/v1 route is declared once, with its zod schemas: the same declaration registers the
// handler and describes it in the OpenAPI document, so the two cannot drift apart.
import Router from '@koa/router';
import type Koa from 'koa';
import type { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { readBody } from '../server.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteDef {
  method: Method;
  /** Koa style, relative to /api/v1: `/sources/:name`. */
  path: string;
  summary: string;
  tag: string;
  /** Query parameters (an object of optional strings). */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success answer's body. */
  response?: z.ZodType;
  /** The success status (default 200). */
  status?: number;
  /** Answers other than success worth documenting: status → description. */
  errors?: Record<number, string>;
}

export type Handler = (ctx: Koa.Context, body: unknown) => Promise<unknown>;

const BODY_LIMIT = 1024 * 1024;

export class ApiBuilder {
  readonly router = new Router();
  readonly defs: RouteDef[] = [];

  add(def: RouteDef, handler: Handler): void {
    this.defs.push(def);
    this.router[def.method](def.path, async (ctx) => {
      let body: unknown;
      if (def.body) {
        const raw = await readBody(ctx, BODY_LIMIT);
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch (e) {
          throw new HttpError(400, `the body is not valid JSON: ${(e as Error).message}`);
        }
      }
      const out = await handler(ctx, body);
      if (out === undefined) ctx.status = 204;
      else {
        ctx.body = out;
        // A handler whose status depends on the outcome (201 created / 200 replaced) says so.
        ctx.status = (ctx.state['status'] as number | undefined) ?? def.status ?? 200;
      }
    });
  }
}

/** A route parameter: path strings, with the reason when one is missing. */
export function param(ctx: Koa.Context, name: string): string {
  return ctx.params[name] ?? '';
}

export function queryString(ctx: Koa.Context, name: string): string | undefined {
  const v = ctx.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
