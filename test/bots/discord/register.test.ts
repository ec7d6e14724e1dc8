// Slash-command definitions as Discord's bulk overwrite accepts them (validated by the fake's rules).
import { describe, expect, it } from 'vitest';
import type { CommandInfo } from '../../../src/bot.js';
import { MAX_COMMANDS, slashCommands } from '../../../bots/discord/register.js';
import { validateCommands } from '../../fakes/discord/limits.js';

const cmd = (over: Partial<CommandInfo> = {}): CommandInfo => ({ name: 'deploy', description: 'Deploy it', admin: true, ...over });

describe('slashCommands', () => {
  it.each([
    ['a plain description', cmd(), 'Deploy it'],
    ['an empty description (the name stands in)', cmd({ description: '  ' }), 'deploy'],
    ['a long one, cut to 100', cmd({ description: 'x'.repeat(150) }), 'x'.repeat(100)],
    ['an emoji across the 100th unit, not cut in half', cmd({ description: 'x'.repeat(99) + '🚀 go' }), 'x'.repeat(99)],
  ])('takes %s', (_n, info, description) => {
    const [c] = slashCommands([info]) as any[];
    expect(c.description).toBe(description);
    expect(validateCommands([c])).toBeUndefined();
    expect(c.options).toEqual([{ type: 3, name: 'args', description: 'arguments', required: false }]);
  });

  it('carries the usage as the description of the args option, cut safely', () => {
    const [c] = slashCommands([cmd({ usage: '<a> ' + '🚀'.repeat(60) })]) as any[];
    expect(c.options[0].description.length).toBeLessThanOrEqual(100);
    expect(c.options[0].description).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it(`sends at most ${MAX_COMMANDS} commands`, () => {
    const list = Array.from({ length: 120 }, (_, i) => cmd({ name: `c${i}` }));
    const body = slashCommands(list) as any[];
    expect(body).toHaveLength(MAX_COMMANDS);
    expect(body.at(-1).name).toBe('c99');
    expect(validateCommands(body)).toBeUndefined();
    expect(validateCommands([...body, body[0]])).toBeDefined();
  });
});
