// Builds sources through the real config shapes and requests as the receiver hands them to the guard.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sourceCommonShape, type SourceConfig } from '../../src/config.js';
import type { AuthFacts } from '../../src/auth/guard.js';

const sourceSchema = z.strictObject({ format: z.string(), ...sourceCommonShape });

export function source(opts: Record<string, unknown>): SourceConfig {
  return sourceSchema.parse({ format: 'generic', ...opts }) as SourceConfig;
}

export function facts(over: Partial<Omit<AuthFacts, 'headers'>> & { headers?: Record<string, string> } = {}): AuthFacts {
  const headers = Object.fromEntries(Object.entries(over.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return { remoteAddress: '127.0.0.1', query: {}, raw: Buffer.alloc(0), formatAuthenticated: false, ...over, headers };
}

export interface Vector {
  scheme: string;
  secret: string;
  id?: string;
  timestamp?: string | number;
  body?: string;
  bodyFile?: string;
  headers?: Record<string, string>;
  expected: string;
  expectedBodyOnly?: string;
}

const dir = new URL('../fixtures/signatures/', import.meta.url);
export const vectors: Vector[] = JSON.parse(readFileSync(new URL('test-vectors.json', dir), 'utf8'));

export function vector(scheme: string): Vector {
  const v = vectors.find((x) => x.scheme === scheme);
  if (!v) throw new Error(`no test vector '${scheme}'`);
  return v;
}

/** The exact bytes that were signed: the body file when there is one, never re-serialised. */
export function bodyOf(v: Vector): Buffer {
  return v.bodyFile ? readFileSync(new URL(v.bodyFile, dir)) : Buffer.from(v.body!, 'utf8');
}
