// Serves the built dashboard (dist/web): index.html never cached, so a new version shows at the next
// load; the hashed files under assets/ cached for a year. Only files found at start are served, so
// no path from a request ever reaches the file system.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../package-root.js';
import type Koa from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// The page talks only to its own origin and is never framed.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface File {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

/**
 * Where the built files are: beside the compiled code (dist/src/web → dist/web), or dist/web when
 * running the sources. A built folder has assets/; the sources' web/ (index.html only) does not.
 */
export function findWebRoot(): string | undefined {
  // (Or the package's dist/web, from the bundle in dist/bundle.)
  for (const dir of [...['../../web/', '../../dist/web/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url))), join(PACKAGE_ROOT, 'dist', 'web')]) {
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return undefined;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

export function loadStatic(root: string): Map<string, File> {
  const files = new Map<string, File>();
  for (const path of walk(root)) {
    const url = '/' + relative(root, path).split(sep).join('/');
    const body = readFileSync(path);
    files.set(url, {
      body,
      type: TYPES[extname(path)] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      immutable: url.startsWith('/assets/'),
    });
  }
  return files;
}

/** GET / and the built assets; a page that says how to build it when dist/web is missing. */
export function serveDashboard(root: string | undefined): Koa.Middleware {
  const files = root ? loadStatic(root) : new Map<string, File>();
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path === '/' ? '/index.html' : ctx.path;
    const f = files.get(path);
    if (!f) {
      if (ctx.path === '/' && files.size === 0) {
        ctx.set(SECURITY_HEADERS);
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = 'The dashboard is not built: run `npm run build` (npm install does it), then restart hookbot.\n';
        return;
      }
      return next();
    }
    ctx.set(SECURITY_HEADERS);
    ctx.set('cache-control', f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.set('etag', f.etag);
    if (ctx.get('if-none-match') === f.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = f.type;
    ctx.body = f.body;
  };
}
