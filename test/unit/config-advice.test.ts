// Advice on configs that are valid but probably not meant: untargeted sources, bots without admins.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { configAdvice } from '../../src/config-advice.js';
import { botModules } from '../../bots/index.js';
import { formats } from '../../src/inbound/index.js';

const TOKEN = 'a-long-enough-token-123';
const TG = 'telegram: { platform: telegram, token: "123456789:AAHfakefakefakefakefakefakefakefake1"';
const DC = 'discord: { platform: discord, token: "discord-bot-token-0123456789", applicationId: "123456789012345678", admins: ["1"]';
const advice = (yaml: string) => configAdvice(parseConfig(yaml, { env: {}, bots: botModules, formats }), botModules);

describe('config advice', () => {
  it.each([
    ['a source with nowhere to send untargeted payloads', `sources:\n  bgi: { format: bettergi, token: ${TOKEN} }`, [/^sources\.bgi: a payload that names no target will be refused/]],
    ['superusers catch them', `superusers: [console:me]\nsources:\n  bgi: { format: bettergi, token: ${TOKEN} }`, []],
    ['the source has its own targets', `sources:\n  bgi: { format: bettergi, token: ${TOKEN}, to_group: [console:ops] }`, []],
    ['a route for the source', `routes: [{ match: { source: "bg*" }, to: [console:me] }]\nsources:\n  bgi: { format: bettergi, token: ${TOKEN} }`, []],
    ['a route for another source only', `routes: [{ match: { source: onelive }, to: [console:me] }]\nsources:\n  bgi: { format: bettergi, token: ${TOKEN} }`, [/^sources\.bgi:/]],
    ['a platform bot without admins', `bots:\n  ${TG} }\nsuperusers: [telegram:1]`, [/^bots: no bot has admins/]],
    ['a platform bot with an admin', `bots:\n  ${TG}, admins: ["1"] }\nsuperusers: [telegram:1]`, []],
    ['a Discord proxy with the gateway, which goes through it too', `bots:\n  ${DC}, proxy: "socks5h://127.0.0.1:1080" }\nsuperusers: [discord:1]`, []],
    ['a Discord proxy with HTTP interactions, which need no gateway', `bots:\n  ${DC}, proxy: "socks5h://127.0.0.1:1080", interactions: http, publicKey: "${'ab'.repeat(32)}" }\nsuperusers: [discord:1]`, []],
  ])('%s', (_what, yaml, want) => {
    const got = advice(yaml);
    expect(got).toHaveLength(want.length);
    want.forEach((re, i) => expect(got[i]).toMatch(re));
  });

  it('passes on what a platform declaration advises about a bot, naming the bot', () => {
    const config = parseConfig(`bots:\n  ${DC} }\nsuperusers: [discord:1]`, { env: {}, bots: botModules, formats });
    const platforms = { ...botModules, discord: { ...botModules.discord!, advice: (o: { guildId?: string }) => (o.guildId ? [] : ['commands are global: set guildId to see them at once']) } };
    expect(configAdvice(config, platforms)).toEqual(['bots.discord: commands are global: set guildId to see them at once']);
  });
});
