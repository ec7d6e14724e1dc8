// End to end with the real process: commands typed on the console bot's stdin, replies on stdout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const config = (admins: string, extra = '') => `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  console: { platform: console, stdin: true, admins: ${admins} }
${extra}`;

function type(hb: RunningHookbot, line: string) {
  hb.child.stdin!.write(line + '\n');
}

describe('chat commands end to end (console bot)', () => {
  describe('as a non-admin', () => {
    let hb: RunningHookbot;
    beforeAll(async () => {
      hb = await spawnHookbot({ config: config('[]') });
    }, 40_000);
    afterAll(async () => {
      await hb?.stop();
    });

    it('whoami answers the ids and the target', async () => {
      type(hb, '/whoami');
      const out = await hb.waitForOutput('Target: console:console');
      expect(out).toContain('User: console (console)');
    });

    it('mute is refused, and the refusal is in the audit log', async () => {
      type(hb, '/mute bgi 2h');
      await hb.waitForOutput('Sorry, /mute is for admins of this bot.');
      expect(await hb.stop()).toBe(0);
      const store = SqliteStore.open(join(hb.dir, 'hookbot.db'));
      try {
        const log = await store.auditLog(10);
        expect(log.find((e) => e.command === 'mute')).toMatchObject({ bot: 'console', user: 'console', args: 'bgi 2h', outcome: 'refused', detail: 'not an admin' });
        expect(await store.activeMutes(Date.now())).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });

  describe('as an admin', () => {
    let hb: RunningHookbot;
    let app: Server;
    const asked: string[] = [];
    beforeAll(async () => {
      app = createServer((req, res) => {
        asked.push(req.url!);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ started: new URL(req.url!, 'http://x').searchParams.get('task') }));
      });
      await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
      const port = (app.address() as AddressInfo).port;
      hb = await spawnHookbot({
        config: config(
          '["console"]',
          `commands:
  - name: run
    description: Start a task in the app
    request: { method: GET, url: "http://127.0.0.1:${port}/run?task={{ args | url_encode }}" }
    reply: "Started **{{ json.started }}**"
sources:
  rec: { format: onelive, token: "0123456789abcdef0123" }
`,
        ),
      });
    }, 40_000);
    afterAll(async () => {
      await hb?.stop();
      await new Promise((r) => app?.close(r));
    });

    it('test delivers a test notification to this chat', async () => {
      type(hb, '/test');
      await hb.waitForOutput(/Test notification evt_[0-9a-z]+ queued:\n• console:console — pending/);
      await hb.waitForOutput(/── console:console \(user\) ──\nhookbot test\nThis is a test notification, sent with \/test by console \(console\)/);
    });

    it('a custom command calls the local app and replies with its answer', async () => {
      type(hb, '/run daily domain');
      await hb.waitForOutput('Started daily domain');
      expect(asked).toEqual(['/run?task=daily+domain']);
    });

    it('mute stores a mute that mutes lists', async () => {
      type(hb, '/mute "live_*" 30m');
      await hb.waitForOutput('Muted live_* for 30 min');
      type(hb, '/mutes');
      await hb.waitForOutput(/• live_\* until .* \(30 min left\), by console:console/);
    });
  });
});
