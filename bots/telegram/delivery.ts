// Delivery of one Message to one chat: the parts (photo, text chunks) in order, a moved group
// followed, a refused picture replaced by a note, and the parts already sent not sent again on retry.
import { InputFile, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { ChatRef, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { apiFailure, describe, isImageProblem, isPhotoShapeProblem, toDeliveryError, type Mask } from './errors.js';
import { CAPTION_MAX, TEXT_MAX, htmlChunks, messageSpans } from './html.js';
import type { TelegramOptions } from './options.js';

type Part = { kind: 'photo'; caption?: string } | { kind: 'text'; html: string };
/** How far a multi-part delivery got, so a retry does not send the parts already there again. */
interface Progress {
  done: number;
  ids: string[];
  photoFailed?: string;
  /** Telegram refused the upload as a photo (its shape): it goes as a file instead. */
  asDocument?: boolean;
}

// Telegram photos: 10 MB by upload (core.telegram.org/bots/api#sending-files); bigger goes as a document.
const PHOTO_UPLOAD_MAX = 10 * 1024 * 1024;
const MAX_PROGRESS = 10_000;
// grammY types its signals with the abort-controller polyfill; Node's own AbortSignal is what it gets at run time.
type GrammySignal = Parameters<Api['getMe']>[0];
export const sig = (s: AbortSignal) => s as unknown as GrammySignal;

export class TelegramDelivery {
  private readonly progress = new Map<string, Progress>();
  private readonly moved = new Map<string, string>();

  constructor(
    private readonly api: Api,
    private readonly opts: Pick<TelegramOptions, 'linkPreviews'>,
    private readonly log: Logger,
    private readonly mask: Mask,
  ) {}

  /** Throws DeliveryError (see errors.ts for what is retried). */
  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    let chat = this.moved.get(to.chat) ?? to.chat;
    let movedTo = chat !== to.chat ? chat : undefined;
    const prog = this.progress.get(ctx.key) ?? { done: 0, ids: [] };
    let parts = this.plan(msg, prog.photoFailed);
    let migrations = 0;
    const first = prog.done;
    while (prog.done < parts.length) {
      const part = parts[prog.done]!;
      // Each part is a message against the chat's limits (20/min in a group): past the first of
      // this call, it waits for its own place, and the rest goes on a later try.
      const wait = prog.done > first ? (ctx.pace?.() ?? 0) : 0;
      if (wait > 0) {
        this.remember(ctx.key, prog);
        throw new DeliveryError(`${prog.done} of ${parts.length} parts sent; the rest waits for the chat's rate limit`, { retryable: true, retryAfterMs: wait });
      }
      try {
        // One notification per message: the parts after the first are always silent.
        prog.ids.push(await this.sendPart(chat, to.thread, part, msg, msg.silent || prog.done > 0, ctx.signal, prog.asDocument));
        prog.done++;
      } catch (e) {
        const f = apiFailure(e);
        if (f?.migrateTo !== undefined && migrations++ < 2) {
          // A group upgraded to a supergroup has a new id; Telegram says which (ResponseParameters).
          const next = String(f.migrateTo);
          this.log.warn({ from: chat, to: next }, 'telegram: group moved to a supergroup, sending there');
          this.moved.set(to.chat, next);
          chat = movedTo = next;
          continue;
        }
        if (part.kind === 'photo' && !prog.asDocument && msg.image && 'data' in msg.image && isPhotoShapeProblem(e)) {
          // A long scrolling screenshot: sendPhoto takes width + height ≤ 10000 and a ratio ≤ 20,
          // sendDocument takes any shape (core.telegram.org/bots/api#sendphoto).
          prog.asDocument = true;
          this.log.info({ chat, reason: describe(e, this.mask) }, 'telegram: image refused as a photo, sending it as a file');
          continue;
        }
        if (part.kind === 'photo' && isImageProblem(e)) {
          // The picture is bad, not the chat: the text goes anyway, saying why there is no picture.
          prog.photoFailed = describe(e, this.mask);
          this.log.warn({ chat, reason: prog.photoFailed }, 'telegram: image not sent, sending the text alone');
          parts = this.plan(msg, prog.photoFailed);
          continue;
        }
        this.remember(ctx.key, prog);
        throw toDeliveryError(e, this.mask);
      }
    }
    this.progress.delete(ctx.key);
    return { messageIds: prog.ids, paced: true, ...(movedTo ? { movedTo } : {}) };
  }

  private plan(msg: Message, photoFailed?: string): Part[] {
    const spans = messageSpans(msg, photoFailed ? `(image not sent: ${photoFailed})` : undefined);
    const texts = (): Part[] => htmlChunks(spans, TEXT_MAX).map((html) => ({ kind: 'text', html }));
    let parts: Part[];
    if (msg.image && !photoFailed) {
      const caption = htmlChunks(spans, CAPTION_MAX);
      parts = caption.length <= 1 ? [{ kind: 'photo', caption: caption[0] }] : [{ kind: 'photo' }, ...texts()];
    } else parts = texts();
    if (parts.length === 0) throw new DeliveryError('the message is empty: no title, text, fields, link or image', { retryable: false });
    return parts;
  }

  private async sendPart(chat: string, thread: string | undefined, part: Part, msg: Message, silent: boolean, signal: AbortSignal, asDocument = false): Promise<string> {
    const chatId = /^-?\d+$/.test(chat) ? Number(chat) : chat;
    const common = {
      ...(thread ? { message_thread_id: Number(thread) } : {}),
      ...(silent ? { disable_notification: true } : {}),
    };
    if (part.kind === 'text') {
      const sent = await this.api.sendMessage(
        chatId,
        part.html,
        { parse_mode: 'HTML', ...(this.opts.linkPreviews ? {} : { link_preview_options: { is_disabled: true } }), ...common },
        sig(signal),
      );
      return String(sent.message_id);
    }
    const image = msg.image!;
    const caption = part.caption ? { caption: part.caption, parse_mode: 'HTML' as const } : {};
    if ('url' in image) return String((await this.api.sendPhoto(chatId, image.url, { ...caption, ...common }, sig(signal))).message_id);
    const file = new InputFile(image.data, image.filename);
    const sent =
      asDocument || image.data.length > PHOTO_UPLOAD_MAX
        ? await this.api.sendDocument(chatId, file, { ...caption, ...common }, sig(signal))
        : await this.api.sendPhoto(chatId, file, { ...caption, ...common }, sig(signal));
    return String(sent.message_id);
  }

  private remember(key: string, prog: Progress) {
    if (prog.done === 0 && !prog.photoFailed) return;
    this.progress.delete(key);
    this.progress.set(key, prog);
    if (this.progress.size > MAX_PROGRESS) this.progress.delete(this.progress.keys().next().value!);
  }
}
