// Custom commands from `commands:` in the config: chat drives the apps behind the webhooks
// (start a BetterGI task, search in MoviePilot). hookbot makes the HTTP call and replies with
// the outcome; timeouts and errors are replied, never thrown.
import type { Liquid, Template } from 'liquidjs';
import { liquidEngine } from '../render/liquid-engine.js';
import type { Reply } from '../bot.js';
import type { CustomCommand } from '../config.js';
import { mask } from '../log.js';
import type { Command, CommandContext } from './command.js';
import { code, esc, shorten } from './format.js';
import { t as tr } from '../i18n/translate.js';

/** A reply shows at most this much of an answer's body by default. */
const DEFAULT_BODY_CHARS = 500;
/** We read at most this much of an answer: enough for any sensible JSON reply. */
const MAX_BODY_BYTES = 1024 * 1024;

// Requests are rendered verbatim (the author escapes for the URL or JSON with `url_encode` or
// `json`); replies are neutral markup, so values substituted into them are escaped.
const requestEngine = liquidEngine({ cache: false, ownPropertyOnly: true });
const replyEngine = liquidEngine({ cache: false, ownPropertyOnly: true, outputEscape: (v: unknown) => esc(String(v ?? '')) });

interface Compiled {
  url: Template[];
  headers: [string, Template[]][];
  body?: Template[];
  reply?: Template[];
}

function compile(def: CustomCommand, where: string): Compiled {
  const parse = (engine: Liquid, src: string, key: string) => {
    try {
      return engine.parse(src);
    } catch (e) {
      throw new Error(`${where}.${key}: the template does not parse: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  return {
    url: parse(requestEngine, def.request.url, 'request.url'),
    headers: Object.entries(def.request.headers).map(([k, v]) => [k, parse(requestEngine, v, `request.headers.${k}`)]),
    body: def.request.body === undefined ? undefined : parse(requestEngine, def.request.body, 'request.body'),
    reply: def.reply === undefined ? undefined : parse(replyEngine, def.reply, 'reply'),
  };
}

/** Throws an Error naming `where` (e.g. `commands[0]`) when a template does not parse. */
export function customCommand(def: CustomCommand, where: string): Command {
  const tpl = compile(def, where);
  return {
    name: def.name,
    // Telegram and Discord refuse an empty description.
    description: (l) => def.description || tr(l, 'custom.desc', { host: hostOf(def.request.url) }),
    usage: usesArgs(def) ? (l) => tr(l, 'usage.args') : undefined,
    access: def.admin ? 'admin' : 'user',
    run: (ctx) => runCustom(def, tpl, ctx),
  };
}

async function runCustom(def: CustomCommand, tpl: Compiled, ctx: CommandContext): Promise<Reply> {
  const { cmd, argv, deps, t } = ctx;
  const vars = {
    args: cmd.args,
    argv,
    user: { id: cmd.user.id, name: cmd.user.name ?? '' },
    chat: { id: cmd.chat.id, thread: cmd.chat.thread ?? '', kind: cmd.chat.kind },
    bot: { id: cmd.bot, platform: cmd.platform },
  };
  const title = `**/${esc(def.name)}**`;
  const rawUrl = await requestEngine.render(tpl.url, vars);
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    return { text: t('custom.badUrl', { title }) };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { text: t('custom.badScheme', { title }) };
  const where = url.host; // never the path or query: they may carry the app's API key
  const headers = new Headers();
  for (const [k, t] of tpl.headers) headers.set(k, (await requestEngine.render(t, vars)).trim());
  const body = tpl.body ? await requestEngine.render(tpl.body, vars) : undefined;
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', looksJson(body) ? 'application/json' : 'text/plain; charset=utf-8');

  const fetchFn = deps.fetch ?? fetch;
  const started = deps.clock.now();
  let status: number;
  let statusText: string;
  let text: string;
  try {
    const signal = AbortSignal.timeout(def.request.timeoutMs);
    const res = await fetchFn(url, { method: def.request.method, headers, body: def.request.method === 'GET' ? undefined : body, signal, redirect: 'follow' });
    status = res.status;
    statusText = res.statusText;
    text = await readCapped(res);
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return { text: t('custom.timeout', { title, host: code(where), span: ctx.span(def.request.timeoutMs) }) };
    }
    const why = mask(String(err.cause?.code ?? (err.cause as Error | undefined)?.message ?? err.message));
    deps.logger.warn({ command: def.name, host: where, err: why }, 'custom command request failed');
    return { text: t('custom.unreachable', { title, host: code(where), why: esc(why) }) };
  }
  deps.logger.info({ command: def.name, host: where, status, ms: deps.clock.now() - started }, 'custom command answered');

  const ok = status >= 200 && status < 300;
  if (tpl.reply) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    try {
      const out = (await replyEngine.render(tpl.reply, { status, ok, body: text, json, args: cmd.args, argv, user: vars.user, chat: vars.chat, bot: vars.bot })).trim();
      if (out) return { text: out };
    } catch (e) {
      return { text: t('custom.replyFailed', { title, status, why: esc((e as Error).message.split('\n')[0] ?? '') }) };
    }
  }
  const head = ok ? t('custom.ok', { title, status }) : t('custom.notOk', { title, status, statusText: statusText ? ' ' + esc(statusText) : '' });
  const shown = shorten(text.trim(), DEFAULT_BODY_CHARS);
  return { text: shown ? `${head}\n${esc(shown)}` : head };
}

function hostOf(urlTemplate: string): string {
  try {
    return new URL(urlTemplate.replace(/\{\{.*?\}\}|\{%.*?%\}/g, 'x')).host || 'an app';
  } catch {
    return 'an app';
  }
}

function usesArgs(def: CustomCommand): boolean {
  const all = [def.request.url, def.request.body ?? '', ...Object.values(def.request.headers)].join('\n');
  return /\bargv?\b/.test(all);
}

function looksJson(s: string): boolean {
  const t = s.trim();
  if (!/^[[{"]/.test(t)) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

// Reads the body as UTF-8, stopping at MAX_BODY_BYTES so a huge answer cannot eat the memory.
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES));
}
