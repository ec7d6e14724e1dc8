// Slash commands and app mentions → ChatCommand; Reply → what Slack shows.
import type { ChatCommand, ChatKind, Reply } from '../../src/bot.js';
import { parseMarkup } from '../../src/render/markup.js';
import { toMrkdwn } from './mrkdwn.js';

/**
 * Slack escapes `& < >` in the text it sends and wraps links and mentions in `<…>`
 * (docs.slack.dev/messaging/formatting-message-text#retrieving-messages): give back what was typed.
 */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<([@#][A-Z0-9]+)\|[^>]*>/g, '<$1>')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// D… channels are direct messages; C… and G… are channels and private channels.
const kindOf = (channel: string): ChatKind => (channel.startsWith('D') ? 'user' : 'group');

function split(text: string): { name: string; args: string } | undefined {
  const m = /^\s*([A-Za-z0-9_-]{1,32})(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return undefined;
  return { name: m[1]!.toLowerCase(), args: (m[2] ?? '').trim() };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
}

/**
 * `/hookbot status` → `status`; `/hookbot` alone → `help`. Any other slash command the app
 * registers (`/status`) is that command by itself.
 */
export function slashToCommand(bot: string, main: string, c: SlashCommandFields): ChatCommand | undefined {
  const text = slackTextToPlain(c.text ?? '');
  let parsed: { name: string; args: string } | undefined;
  if (c.command.toLowerCase() === main.toLowerCase()) parsed = text.trim() ? split(text) : { name: 'help', args: '' };
  else parsed = { name: c.command.replace(/^\//, '').toLowerCase(), args: text.trim() };
  if (!parsed) return undefined;
  return {
    bot,
    platform: 'slack',
    addressed: true,
    ...parsed,
    user: { id: c.user_id, name: c.user_name },
    chat: { id: c.channel_id, kind: kindOf(c.channel_id) },
  };
}

export interface MentionEvent {
  text: string;
  user?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
}

/** `<@UBOT> status now` → `status` with args `now`; text without a command word → `help`. */
export function mentionToCommand(bot: string, botUserId: string | undefined, e: MentionEvent): ChatCommand | undefined {
  if (!e.user) return undefined;
  // The command is what follows the bot's mention: `hey <@UBOT> status` is `status`.
  const own = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`) : /<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;
  const m = own.exec(e.text);
  const text = m ? e.text.slice(m.index + m[0].length) : e.text;
  const plain = slackTextToPlain(text).trim().replace(/^\//, '');
  const parsed = plain ? split(plain) : { name: 'help', args: '' };
  if (!parsed) return undefined;
  return {
    bot,
    platform: 'slack',
    addressed: true,
    ...parsed,
    user: { id: e.user },
    chat: { id: e.channel, thread: e.thread_ts, kind: kindOf(e.channel) },
  };
}

/**
 * Replies name commands the Telegram/Discord way (`/status`, "see /whoami"), but in Slack they are
 * words after the app's one slash command: `/status` typed there is "not a valid command".
 * Rewrites each known command name to `/hookbot status`.
 */
export function inSlackTerms(text: string, main: string, names: readonly string[]): string {
  if (!names.length) return text;
  const alt = [...new Set(names)].map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
  return text.replace(new RegExp(`(^|[\\s(\`"'])/(${alt})(?![\\w@/-])`, 'gi'), (_, pre: string, name: string) => `${pre}${main} ${name.toLowerCase()}`);
}

/** The answer to a slash command: ephemeral (only the asker sees it) or in the channel. */
export function replyPayload(reply: Reply, main = '/hookbot', names: readonly string[] = []): { response_type: 'ephemeral' | 'in_channel'; text: string } {
  return { response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', text: replyMrkdwn(reply, main, names) };
}

export function replyMrkdwn(reply: Reply, main = '/hookbot', names: readonly string[] = []): string {
  // A reply is short, but Slack truncates `text` past 40,000 characters: keep well under it.
  const md = toMrkdwn(parseMarkup(inSlackTerms(reply.text, main, names)));
  return md.length > 39_000 ? md.slice(0, 39_000) + '…' : md;
}
