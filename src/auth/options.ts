// Per-source security options (HMAC signatures, IP allow-list, request rate). Merged into every
// source's config schema by src/config.ts.
import ipaddr from 'ipaddr.js';
import ms from 'ms';
import proxyaddr from 'proxy-addr';
import * as z from 'zod';

export const SIGNATURE_SCHEMES = ['standard-webhooks', 'svix', 'github', 'stripe', 'slack', 'grafana', 'hookdeck', 'hmac'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

const nonEmpty = (what: string) => z.string({ error: `must be a string: put the ${what} in quotes or in an environment variable` }).min(1, { error: `is empty: set the ${what}` });

const headerList = z.union([nonEmpty('header name'), z.array(nonEmpty('header name')).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]).map((h) => h.toLowerCase()));

/** Seconds as a number, or a duration such as "5m" or "300s". */
const seconds = z.union([z.number().int().min(0), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const parsed = ms(v as ms.StringValue) as number | undefined;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    ctx.addIssue({ code: 'custom', message: `is not a duration: write seconds as a number, or e.g. "5m", "300s"` });
    return z.NEVER;
  }
  return Math.round(parsed / 1000);
});

export const signatureSchema = z
  .strictObject({
    /** A preset for a known sender, or `hmac` for a scheme described by the options below. */
    scheme: z.enum(SIGNATURE_SCHEMES).default('hmac'),
    secret: nonEmpty('signing secret').optional(),
    /** Several secrets at once, for rotation: a request signed with any of them passes. */
    secrets: z.array(nonEmpty('signing secret')).optional(),
    /** Header(s) carrying the signature; the first one present is used. */
    header: headerList.optional(),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).optional(),
    encoding: z.enum(['hex', 'base64']).optional(),
    /** Text before the signature in the header, e.g. `sha256=`. */
    prefix: z.string().optional(),
    /** What is signed: `{body}` is the raw body bytes; `{timestamp}` and `{id}` come from their headers. */
    signed: z.string().optional(),
    timestampHeader: nonEmpty('header name').transform((h) => h.toLowerCase()).optional(),
    idHeader: nonEmpty('header name').transform((h) => h.toLowerCase()).optional(),
    /** How far a signed timestamp may be from this server's clock, either way. Default 5 minutes. */
    tolerance: seconds.default(300),
  })
  .superRefine((s, ctx) => {
    const secrets = [...(s.secret ? [s.secret] : []), ...(s.secrets ?? [])];
    if (secrets.length === 0) ctx.addIssue({ code: 'custom', message: `no secret: set 'secret' (or 'secrets' to accept several during a rotation)` });
    if (s.scheme === 'standard-webhooks' || s.scheme === 'svix') {
      secrets.forEach((sec, i) => {
        if (!/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(sec)) {
          ctx.addIssue({ code: 'custom', path: [s.secret && i === 0 ? 'secret' : 'secrets'], message: `is not a Standard Webhooks secret: copy the whole 'whsec_…' value the sender shows` });
        }
      });
    }
    if (s.scheme === 'hmac') {
      if (!s.header) ctx.addIssue({ code: 'custom', path: ['header'], message: `is required with scheme 'hmac': name the header that carries the signature` });
      const signed = s.signed ?? '{body}';
      const bodies = signed.split('{body}').length - 1;
      if (bodies !== 1) ctx.addIssue({ code: 'custom', path: ['signed'], message: `must contain {body} exactly once, e.g. "{body}" or "{timestamp}.{body}"` });
      if (signed.includes('{timestamp}') && !s.timestampHeader) ctx.addIssue({ code: 'custom', path: ['timestampHeader'], message: `is required when 'signed' uses {timestamp}: name the header that carries it` });
      if (signed.includes('{id}') && !s.idHeader) ctx.addIssue({ code: 'custom', path: ['idHeader'], message: `is required when 'signed' uses {id}: name the header that carries it` });
      if (s.timestampHeader && !signed.includes('{timestamp}')) ctx.addIssue({ code: 'custom', path: ['signed'], message: `does not use {timestamp}, so checking 'timestampHeader' would stop no replay: sign e.g. "{timestamp}.{body}"` });
      const unknown = signed.replace(/\{(body|timestamp|id)\}/g, '').match(/\{[a-z_]+\}/i);
      if (unknown) ctx.addIssue({ code: 'custom', path: ['signed'], message: `unknown placeholder ${unknown[0]}: use {body}, {timestamp} or {id}` });
    } else {
      const fixed = ['algorithm', 'encoding', 'prefix', 'signed', 'idHeader'] as const;
      // These senders sign no timestamp (or carry it in the signature header), so none can be configured.
      const noTimestamp = s.scheme === 'github' || s.scheme === 'hookdeck' || s.scheme === 'stripe';
      for (const k of noTimestamp ? [...fixed, 'timestampHeader' as const] : fixed) {
        if (s[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `is fixed by scheme '${s.scheme}': remove it, or use scheme 'hmac' to describe the signature yourself` });
      }
    }
  });

export type SignatureOptions = z.output<typeof signatureSchema>;

const cidr = z.string().refine(
  (v) => {
    try {
      if (v.includes('/')) ipaddr.parseCIDR(v);
      else ipaddr.parse(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'is not an IP address or CIDR range: write e.g. "203.0.113.7", "10.0.0.0/8" or "2001:db8::/32"' },
);

export const sourceSecurityShape = {
  /** HMAC signature over the raw body; a source with one needs no token. */
  signature: signatureSchema.optional(),
  /** Only these addresses or CIDR ranges may post (the client address, see server.trustProxies). */
  allowIps: z.array(cidr).min(1, { error: 'is empty: list at least one address, or remove allowIps' }).optional(),
  /** At most `count` requests per `perMs` milliseconds for this source; more get 429 with Retry-After. */
  rateLimit: z.strictObject({ count: z.number().int().positive(), perMs: z.number().int().positive() }).optional(),
} satisfies z.ZodRawShape;

/** For `server.trustProxies`: addresses, CIDR ranges, or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`. */
export const trustProxiesSchema = z.array(
  z.string().refine(
    (v) => {
      try {
        proxyaddr.compile(v);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'is not a proxy address: write e.g. "127.0.0.1", "10.0.0.0/8", or one of loopback, linklocal, uniquelocal' },
  ),
);
