// What the console bot writes for a delivery: the text a person reads, with nothing hidden.
import { describe, expect, it } from 'vitest';
import { consoleText } from '../../../bots/console/console.js';
import type { Message } from '../../../src/message.js';
import { parseMarkup } from '../../../src/render/markup.js';

const message = (body: string): Message => ({ body: parseMarkup(body), fields: [], level: 'info', source: 's', event: 'e', time: '2024-05-01T12:00:00Z', silent: false });

describe('console delivery text', () => {
  it.each([
    ['[the run](https://ci.example/r/1) failed', 'the run (https://ci.example/r/1) failed'],
    ['see [https://x.example](https://x.example)', 'see https://x.example'],
    ['**[bold _link_](https://x.example/a?b=1&c=2)**', 'bold link (https://x.example/a?b=1&c=2)'],
    ['**bold** _it_ `co_de` \\[not\\](a link)', 'bold it co_de [not](a link)'],
  ])('%j → %j', (src, want) => {
    expect(consoleText(message(src))).toBe(want);
  });
});
