// What the dashboard's Bots page says a user can paste as a target for each bot: the shape a chat's
// target takes (what /whoami answers in that chat), and the names from the config that reach it.
import type { Capabilities } from '../bot.js';

export interface BotTargets {
  /** The shape of a target, with how to find the exact string. */
  pattern: string;
  /** Ready-made targets: the robot itself, superusers, and people/groups entries through this bot. */
  targets: { name: string; target: string }[];
}

export function botTargets(id: string, caps: Capabilities | undefined, named: { name: string; targets: string[] }[]): BotTargets {
  const via = named.flatMap(({ name, targets }) => targets.filter((t) => t === id || t.startsWith(id + ':')).map((target) => ({ name, target })));
  // A robot webhook is one chat: the bot id alone is the whole target, and there is no chat to ask.
  if (caps?.chats === 'fixed') return { pattern: `${id} (this robot is one chat: the bot id is the whole target)`, targets: [{ name: id, target: id }, ...via] };
  const shape = `${id}:<chat>${caps?.threads ? '[/<thread>]' : ''}`;
  const how = caps?.commands === false ? 'the chat id from the platform' : 'ask the bot /whoami in a chat for its exact string';
  return { pattern: `${shape} (${how})`, targets: via };
}
