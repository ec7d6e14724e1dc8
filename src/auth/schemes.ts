// Signature schemes as data: each preset says where the signature is, how it is encoded and what
// bytes were signed, so one verifier (signature.ts) serves every sender.
import type { SignatureOptions } from './options.js';

export interface SchemeSpec {
  /** Header names (lower case); the first one present carries the signature. */
  headers: string[];
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
  prefix: string;
  /** The header holds several signatures separated by this (Standard Webhooks: a space, during rotation). */
  separator?: string;
  /** Stripe puts the timestamp and the signatures in one header: `t=…,v1=…,v1=…`. */
  stripeHeader?: boolean;
  signed: string;
  timestampHeader?: string;
  idHeader?: string;
  /**
   * The header naming the delivery, stable across the sender's retries: the event id for dedup
   * when the payload has none of its own.
   */
  deliveryHeader?: string;
  /** Standard Webhooks secrets are `whsec_` + base64 of the key; others are used as UTF-8 bytes. */
  key: 'utf8' | 'whsec-base64';
  tolerance: number;
}

export function resolveScheme(o: SignatureOptions): SchemeSpec {
  const base = { tolerance: o.tolerance, key: 'utf8' as const, algorithm: 'sha256' as const };
  switch (o.scheme) {
    // standard-webhooks spec v1.0.0: `v1,<base64>` entries, space-separated; signs `id.timestamp.body`.
    case 'standard-webhooks':
    case 'svix': {
      const p = o.scheme === 'svix' ? 'svix' : 'webhook';
      return {
        ...base,
        headers: o.header ?? [`${p}-signature`],
        encoding: 'base64',
        prefix: 'v1,',
        separator: ' ',
        signed: '{id}.{timestamp}.{body}',
        timestampHeader: o.timestampHeader ?? `${p}-timestamp`,
        idHeader: `${p}-id`,
        deliveryHeader: `${p}-id`,
        key: 'whsec-base64',
      };
    }
    // GitHub has no timestamp: replays are caught only by dedup on X-GitHub-Delivery.
    case 'github':
      return { ...base, headers: o.header ?? ['x-hub-signature-256'], encoding: 'hex', prefix: 'sha256=', signed: '{body}', deliveryHeader: 'x-github-delivery' };
    // Stripe keys are the full `whsec_…` string as UTF-8 (not base64-decoded, unlike Standard Webhooks).
    case 'stripe':
      return { ...base, headers: o.header ?? ['stripe-signature'], encoding: 'hex', prefix: 'v1=', stripeHeader: true, signed: '{timestamp}.{body}' };
    case 'slack':
      return {
        ...base,
        headers: o.header ?? ['x-slack-signature'],
        encoding: 'hex',
        prefix: 'v0=',
        signed: 'v0:{timestamp}:{body}',
        timestampHeader: o.timestampHeader ?? 'x-slack-request-timestamp',
      };
    // Grafana 12+: the library default header is X-Grafana-Alert-Signature, its docs say
    // X-Grafana-Alerting-Signature, so both are accepted. The timestamp is signed only when configured.
    case 'grafana':
      return {
        ...base,
        headers: o.header ?? ['x-grafana-alerting-signature', 'x-grafana-alert-signature'],
        encoding: 'hex',
        prefix: '',
        signed: o.timestampHeader ? '{timestamp}:{body}' : '{body}',
        timestampHeader: o.timestampHeader,
      };
    case 'hookdeck':
      return { ...base, headers: o.header ?? ['x-hookdeck-signature'], encoding: 'base64', prefix: '', signed: '{body}' };
    case 'hmac':
      return {
        ...base,
        headers: o.header!,
        algorithm: o.algorithm ?? 'sha256',
        encoding: o.encoding ?? 'hex',
        prefix: o.prefix ?? '',
        signed: o.signed ?? '{body}',
        timestampHeader: o.timestampHeader,
        idHeader: o.idHeader,
        deliveryHeader: o.idHeader,
      };
  }
}
