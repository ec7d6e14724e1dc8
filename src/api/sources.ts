// Sources through /api/v1: a token made when none is given (shown once, masked afterwards), and
// the exact URL to paste into the sender.
import { randomBytes } from 'node:crypto';
import type Koa from 'koa';
import type { Config } from '../config.js';
import type { StoredObject } from '../store/config-objects.js';
import type { KindOptions } from './objects.js';
import { senderHint, senderUrl } from './source-url.js';
import * as z from 'zod';

const newToken = () => randomBytes(18).toString('base64url');

function provesItself(b: Record<string, unknown>): boolean {
  return Boolean(b['token'] || (Array.isArray(b['tokens']) && b['tokens'].length) || b['public'] === true || b['signature'] || b['keys']);
}

/** Whether the sender must present a token (Volcengine's keys sign instead; a public source needs none). */
function hasToken(v: Record<string, unknown> | undefined): boolean {
  return Boolean(v && (v['token'] || (Array.isArray(v['tokens']) && v['tokens'].length)));
}

/** The base of the URLs handed out: server.publicUrl, else how this request reached us. */
export function publicBase(ctx: Koa.Context, config: Config): string {
  // Not ctx.origin: since Koa 3 that is the request's Origin header, absent from curl and most senders.
  return (config.server as { publicUrl?: string }).publicUrl ?? `${ctx.protocol}://${ctx.host}`;
}

export function sourceOptions(schema: z.ZodType, config: () => Config): KindOptions {
  return {
    plural: 'sources',
    schema,
    filters: { format: (v, want) => v?.format === want },
    prepare(_name, body, previous: StoredObject | undefined) {
      if (!body || typeof body !== 'object' || Array.isArray(body) || provesItself(body)) return body;
      // A token left out of a replacement is kept, so editing a source does not cut off its sender.
      const old = (previous?.body as Record<string, unknown> | undefined)?.['token'];
      return { ...body, token: typeof old === 'string' ? old : newToken() };
    },
    answer(ctx, name, stored, previous) {
      const token = typeof stored?.token === 'string' ? stored.token : undefined;
      // Shown in full once, when it is new; a kept token stays masked, in the URL too.
      const fresh = token !== undefined && token !== (previous?.body as Record<string, unknown> | undefined)?.['token'];
      const base = publicBase(ctx, config());
      return {
        ...(fresh ? { token } : {}),
        url: senderUrl(base, name, stored.format, fresh ? token : token && '***'),
        paste: senderHint(stored.format, name),
      };
    },
    // The URL to paste, as in the PUT answer but with any token masked: the list never shows a secret.
    extraShape: {
      path: z.string(),
      format: z.string().optional(),
      url: z.string().describe('the URL to paste into the sender, its token masked (shown in full once, when a PUT makes it)'),
      paste: z.string().describe("where it goes, in the sender's own words"),
    },
    extra: (name, value, ctx) => ({
      path: `/hooks/${encodeURIComponent(name)}`,
      format: value?.format,
      url: senderUrl(publicBase(ctx, config()), name, value?.format ?? '', hasToken(value) ? '***' : undefined),
      paste: senderHint(value?.format ?? '', name),
    }),
  };
}
