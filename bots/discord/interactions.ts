// Slash-command interactions (gateway or HTTP) → ChatCommand → the command plane → an interaction reply.
// Discord wants the first answer within 3 seconds (developers/interactions/receiving-and-responding.mdx):
// a slow command is deferred (type 5) and its reply replaces the "thinking…" message later.
import type { APIChatInputApplicationCommandInteraction, APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { BotHost, ChatCommand, Reply } from '../../src/bot.js';
import { parseMarkup } from '../../src/render/markup.js';
import { replyContents } from './embeds.js';

const EPHEMERAL = 1 << 6;
const CHANNEL_MESSAGE_WITH_SOURCE = 4;
const DEFERRED_CHANNEL_MESSAGE = 5;
const THREAD_TYPES = new Set([10, 11, 12]);
/** Under Discord's 3 s so the deferral itself arrives in time. */
export const DEFER_AFTER_MS = 2500;

/** A chat-input command interaction as a platform-neutral ChatCommand; undefined for anything else. */
export function commandFromInteraction(bot: string, i: APIInteraction): ChatCommand | undefined {
  if (i.type !== 2 || i.data.type !== 1) return undefined;
  const it = i as APIChatInputApplicationCommandInteraction;
  const user = it.member?.user ?? it.user;
  if (!user) return undefined;
  const argsOpt = it.data.options?.find((o) => o.name === 'args');
  const args = argsOpt && 'value' in argsOpt ? String(argsOpt.value).trim() : '';
  const name = { id: user.id, name: user.global_name ?? user.username };
  if (!it.guild_id) {
    // In a DM the address people put under `to` is their user id: we open the DM channel from it.
    return { bot, platform: 'discord', name: it.data.name.toLowerCase(), args, user: name, chat: { id: user.id, kind: 'user' }, addressed: true };
  }
  const ch = it.channel as { id: string; type: number; parent_id?: string | null } | undefined;
  const inThread = ch && THREAD_TYPES.has(ch.type) && ch.parent_id;
  const chat = inThread ? { id: ch.parent_id!, thread: it.channel_id!, kind: 'group' as const } : { id: it.channel_id ?? ch?.id ?? '', kind: 'group' as const };
  return { bot, platform: 'discord', name: it.data.name.toLowerCase(), args, user: name, chat, addressed: true };
}

/** The interaction response bodies for a reply: the first one, then follow-ups past 2000 characters. */
export function replyBodies(reply: Reply): { content: string; flags?: number; allowed_mentions: { parse: [] } }[] {
  return replyContents(parseMarkup(reply.text)).map((content) => ({ content, allowed_mentions: { parse: [] }, ...(reply.ephemeral ? { flags: EPHEMERAL } : {}) }));
}

/** How the answer reaches Discord: the callback (HTTP response body or REST), then webhook follow-ups. */
export interface Responder {
  respond(body: APIInteractionResponse): Promise<void>;
  editOriginal(body: object): Promise<void>;
  deleteOriginal(): Promise<void>;
  followUp(body: object): Promise<void>;
}

const NOT_AVAILABLE: Reply = { text: 'This command is not available here.', ephemeral: true };

/**
 * Runs a command interaction and answers it. Returns after the first answer was handed to `respond`;
 * a deferred reply and follow-ups are completed in the background and reported to `onError`.
 */
export async function answerInteraction(bot: string, i: APIInteraction, host: BotHost, out: Responder, onError: (e: unknown) => void): Promise<void> {
  const cmd = commandFromInteraction(bot, i);
  if (!cmd) return;
  const work = host.onCommand(cmd).then(
    (r) => r ?? NOT_AVAILABLE,
    (): Reply => ({ text: 'Sorry, that command failed.', ephemeral: true }),
  );
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((r) => (timer = setTimeout(() => r('slow'), DEFER_AFTER_MS)));
  const first = await Promise.race([work, slow]);
  clearTimeout(timer);
  if (first !== 'slow') {
    const [head, ...rest] = replyBodies(first);
    await out.respond({ type: CHANNEL_MESSAGE_WITH_SOURCE, data: head! });
    for (const b of rest) await out.followUp(b);
    return;
  }
  // We must answer before knowing whether the reply is ephemeral; whoami is, and says so.
  const privateDeferral = cmd.name === 'whoami';
  await out.respond({ type: DEFERRED_CHANNEL_MESSAGE, data: privateDeferral ? { flags: EPHEMERAL } : {} });
  void (async () => {
    const reply = await work;
    const [head, ...rest] = replyBodies(reply);
    if (reply.ephemeral && !privateDeferral) {
      // A deferral's visibility cannot be changed: a private answer (a refusal, an error) replaces the
      // public "thinking…" message with ephemeral follow-ups rather than being shown to the channel.
      await out.deleteOriginal();
      for (const b of [head!, ...rest]) await out.followUp(b);
      return;
    }
    await out.editOriginal({ content: head!.content, allowed_mentions: head!.allowed_mentions });
    for (const b of rest) await out.followUp(b);
  })().catch(onError);
}
