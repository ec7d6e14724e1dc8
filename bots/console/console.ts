// The console bot: prints each delivery (target, then text) to stdout or appends it to a file.
// It is the reference implementation of the BotAdapter contract, and the bot hookbot starts with
// when no platform is configured.
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatRef, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message, Span } from '../../src/message.js';
import { parseMarkup, plainText } from '../../src/render/markup.js';
import { Health } from '../../src/kit/health.js';
import { consolePlatform, type ConsoleOptions as Options } from './platform.js';



/** Plain text, with a link's address after its label: a terminal or a file cannot hide it behind one. */
function readable(spans: Span[]): string {
  return spans
    .map((s) => {
      if (s.kind !== 'link') return s.kind === 'text' || s.kind === 'code' ? s.text : readable(s.children);
      const label = readable(s.children);
      return label && label !== s.url ? `${label} (${s.url})` : s.url;
    })
    .join('');
}

/** The text a person reads: title, body, fields, link, image. */
export function consoleText(msg: Message): string {
  const lines: string[] = [];
  if (msg.title) lines.push(msg.title);
  const body = readable(msg.body);
  if (body) lines.push(body);
  for (const f of msg.fields) lines.push(`${f.name}: ${f.value}`);
  if (msg.link) lines.push(msg.link);
  if (msg.image) lines.push('url' in msg.image ? `[image: ${msg.image.url}]` : `[image: ${msg.image.mime}, ${msg.image.data.length} bytes]`);
  return lines.join('\n');
}

export class ConsoleBot implements BotAdapter {
  readonly platform = 'console';
  private readonly state: Health;
  /** Keys already in the output file: a delivery re-sent after a crash is written only once. */
  private written = new Set<string>();
  private fd?: number;
  private rl?: ReturnType<typeof createInterface>;

  constructor(
    readonly id: string,
    private readonly opts: Options,
    private readonly deps: BotDeps,
  ) {
    this.state = new Health(deps.clock);
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    const m = /^([^/\s]+)(?:\/([^/\s]+))?$/.exec(raw);
    if (!m) throw new Error(`'${raw}' is not a console chat: use any name without spaces, e.g. console:ops or console:ops/1`);
    return { chat: m[1]!, thread: m[2] };
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    if (ctx.signal.aborted) throw new DeliveryError('aborted', { retryable: true });
    const target = `${this.id}:${to.chat}${to.thread ? '/' + to.thread : ''}`;
    const text = consoleText(msg);
    if (this.opts.output) {
      if (this.written.has(ctx.key)) return { messageIds: [ctx.key] };
      // One JSON line per delivery, fsync'd before we report success, so a crash after the write
      // and before the store's ack finds the key here on restart instead of writing it twice.
      const line = JSON.stringify({ key: ctx.key, target, kind: to.kind, text }) + '\n';
      writeSync(this.fd!, line);
      fsyncSync(this.fd!);
      this.written.add(ctx.key);
    } else {
      process.stdout.write(`── ${target}${to.kind === 'user' ? ' (user)' : ''} ──\n${text}\n`);
    }
    return { messageIds: [ctx.key] };
  }

  async start(host: BotHost): Promise<void> {
    if (this.opts.output) this.openOutput(this.opts.output);
    if (this.opts.stdin) {
      this.rl = createInterface({ input: process.stdin });
      this.rl.on('line', (line) => void this.onLine(line, host));
    }
    this.state.ok();
  }

  private openOutput(file: string) {
    if (existsSync(file)) {
      const content = readFileSync(file, 'utf8');
      // A torn last line (killed mid-write) is cut off; the delivery is then written again.
      const end = content.lastIndexOf('\n') + 1;
      if (end < content.length) truncateSync(file, end);
      for (const line of content.slice(0, end).split('\n')) {
        if (!line) continue;
        try {
          this.written.add(JSON.parse(line).key);
        } catch {
          /* a foreign line: keep it, it has no key */
        }
      }
    } else appendFileSync(file, '');
    this.fd = openSync(file, 'a');
  }

  private async onLine(line: string, host: BotHost) {
    const m = /^\/(\w+)\s*(.*)$/.exec(line.trim());
    if (!m) return;
    const reply = await host.onCommand({
      bot: this.id,
      platform: 'console',
      name: m[1]!.toLowerCase(),
      args: m[2]!.trim(),
      user: { id: 'console', name: 'console' },
      chat: { id: 'console', kind: 'user' },
    });
    // Replies are hookbot markup (**bold**, escaped \[brackets\]): print what a reader sees.
    if (reply) process.stdout.write(plainText(parseMarkup(reply.text)) + '\n');
  }

  async stop(): Promise<void> {
    this.rl?.close();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.state.stopped();
  }

  health(): BotHealth {
    return this.state.get();
  }
}

export const consoleBot: BotModule<Options> = {
  ...consolePlatform,
  create: (id, opts, deps) => new ConsoleBot(id, opts, deps),
};
