// The dashboard in a real browser (Debian's Chromium through playwright-core) against the real
// process and the fake Telegram: sign in; a webhook posted from outside appears without a reload;
// its preview per platform; a dead letter retried from the page and then sent; a source created on
// the Sources page, and the URL it shows delivering; a test notice, a dry-run replay, a mute;
// Chinese. Screenshots of the main pages go to test-artifacts/.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { ARTIFACTS, ensureDashboardBuilt, launchBrowser } from '../helpers/browser.js';
import { formatTime } from '../../web/src/time.js';

const API_TOKEN = 'dashboard-browser-api-token-0123456789';
const REPORT_TOKEN = 'dashboard-browser-report-token-0123';
const BOT_TOKEN = '123456789:AAHdashboardBrowserTokenForTheFake01';
const ADMIN = 1001;
const OPS = -1001;
/** A group the bot is not in yet: deliveries to it die ("chat not found") until it is added. */
const LATER = -1002;
const LATER_TOO = -1003;
const ZONE = 'Asia/Shanghai';

describe('dashboard in a browser', () => {
  let fake: FakeTelegram;
  let hb: RunningHookbot;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The URL the Sources page showed for the source it created. */
  let kumaUrl = '';
  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
  const report = async (body: Record<string, unknown>) => {
    const res = await hb.post('/report', { token: REPORT_TOKEN, ...body });
    expect(res.status).toBe(202);
    return res.body as { id: string };
  };
  const sentTo = (chat: number, text: string) => fake.calls('sendMessage').some((r) => String(r.params['chat_id']) === String(chat) && String(r.params['text']).includes(text) && r.status === 200);
  const api = async (path: string) => (await fetch(hb.url + '/api/v1' + path, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json() as Promise<any>;
  const go = async (hash: string) => {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  };

  beforeAll(async () => {
    ensureDashboardBuilt();
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    fake.addChat({ id: ADMIN, type: 'private' });
    fake.addChat({ id: OPS, type: 'supergroup' });
    await fake.start();
    [hb, browser] = await Promise.all([
      spawnHookbot({
        config: `
server: { port: {{port}}, host: 127.0.0.1, apiToken: "${API_TOKEN}" }
store: { sqlite: "{{dir}}/hookbot.db" }
locale: en
timezone: ${ZONE}
worker: { baseDelayMs: 200, maxDelayMs: 2000, pollMs: 50 }
bots:
  telegram: { platform: telegram, token: "\${TELEGRAM_BOT_TOKEN}", apiRoot: "${fake.url}", admins: ["${ADMIN}"] }
  ding: { platform: dingtalk, webhook: "http://127.0.0.1:9/robot/send?access_token=never-called" }
superusers: [telegram:${ADMIN}]
groups: { ops: [telegram:${OPS}] }
sources:
  report: { format: report, token: ${REPORT_TOKEN} }
`,
        env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN },
        startTimeoutMs: 90_000,
      }),
      launchBrowser(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
  }, 120_000);
  // What the page showed when a step failed, next to the screenshots.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await shot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await hb?.stop();
    await fake?.stop();
  });

  it('signs in with the API token and shows the overview', async () => {
    await page.goto(hb.url + '/');
    await page.fill('input[name=secret]', API_TOKEN);
    await page.click('button[type=submit]');
    await page.locator('nav').getByText('Events').waitFor();
    await page.locator('.card', { hasText: 'telegram' }).waitFor();
  }, 60_000);

  it('shows a webhook posted from outside within a second or two, without reloading', async () => {
    await go('#/events');
    await page.locator('table.events').waitFor();
    // A mark in the page's memory: a reload would wipe it.
    await page.evaluate('window.__stillHere = true');
    const e = await report({ title: 'Disk almost full', content: 'sda1 at 97%', result: 'failed', send_to_group: 'ops' });
    const row = page.locator(`tr[data-event-id="${e.id}"]`);
    await row.waitFor({ timeout: 3000 });
    expect(await page.evaluate('window.__stillHere')).toBe(true);
    await fake.waitFor(() => sentTo(OPS, 'Disk almost full'), 15_000, 'the notice in the ops group');

    // Its time is shown in the configured zone.
    const created = (await api('/events?n=1'))[0].createdAt as number;
    expect(await row.locator('td').first().textContent()).toBe(formatTime(created, ZONE, 'en'));

    // Filters: by text, by level, by source.
    await report({ title: 'Backup done', content: 'all good' });
    await page.locator('tr', { hasText: 'Backup done' }).waitFor({ timeout: 3000 });
    await page.fill('input[name=q]', 'disk');
    await page.press('input[name=q]', 'Enter');
    await page.locator('tr', { hasText: 'Backup done' }).waitFor({ state: 'detached' });
    await row.waitFor();
    await page.fill('input[name=q]', '');
    await page.selectOption('select[name=level]', 'error');
    await page.locator('tr', { hasText: 'Backup done' }).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.selectOption('select[name=level]', '');
    await page.fill('input[name=source]', 'nothing-here');
    await page.press('input[name=source]', 'Enter');
    await page.getByText('No events match.').waitFor();
    await page.fill('input[name=source]', '');
    await page.press('input[name=source]', 'Enter');
    await page.locator('tr', { hasText: 'Backup done' }).waitFor();
    await shot('events');
  }, 60_000);

  it("opens an event: each configured platform's rendering, its delivery, the payload redacted", async () => {
    await page.locator('tr', { hasText: 'Disk almost full' }).getByRole('link').click();
    const telegram = page.locator('figure.preview[data-platform=telegram] pre');
    await telegram.waitFor();
    // Telegram gets HTML; the DingTalk robot markdown.
    expect(await telegram.textContent()).toMatch(/<b>Disk almost full<\/b>/);
    expect(await page.locator('figure.preview[data-platform=dingtalk] pre').textContent()).toMatch(/^#### Disk almost full\n/);
    expect(await page.locator('figure.preview[data-platform=dingtalk] figcaption').textContent()).toContain('markdown');
    await page.locator('tr', { hasText: `telegram:${OPS}` }).locator('.state-sent').waitFor({ timeout: 10_000 });
    const raw = await page.getByTestId('raw').textContent();
    expect(raw).toContain('sda1 at 97%');
    expect(await page.textContent('body')).not.toContain(REPORT_TOKEN);
    await shot('event-detail');
  }, 60_000);

  it('retries a dead letter from the page, and it is sent', async () => {
    const e = await report({ title: 'Nobody home yet', content: 'this group has not added the bot', send_to_group: `telegram:${LATER}` });
    await go('#/dead');
    const row = page.locator('tr[data-delivery-id]', { hasText: `telegram:${LATER}` });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/chat not found/);
    await shot('dead-letters');
    // The group adds the bot; the retry now goes through.
    fake.addChat({ id: LATER, type: 'supergroup' });
    await row.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('status').filter({ hasText: '1 sent back to the queue.' }).waitFor();
    await fake.waitFor(() => sentTo(LATER, 'Nobody home yet'), 15_000, 'the retried notice');
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    await go(`#/events/${encodeURIComponent(e.id)}`);
    await page.locator('tr', { hasText: `telegram:${LATER}` }).locator('.state-sent').waitFor({ timeout: 10_000 });

    // "Retry all" as well.
    await report({ title: 'Another group', content: 'not there either', send_to_group: `telegram:${LATER_TOO}` });
    await go('#/dead');
    await page.locator('tr[data-delivery-id]', { hasText: `telegram:${LATER_TOO}` }).waitFor({ timeout: 15_000 });
    fake.addChat({ id: LATER_TOO, type: 'supergroup' });
    await page.getByRole('button', { name: 'Retry all' }).click();
    await fake.waitFor(() => sentTo(LATER_TOO, 'Another group'), 15_000, 'the notice retried with the rest');
    await page.getByText('No dead letters.').waitFor({ timeout: 10_000 });
  }, 60_000);

  it('creates a source on the Sources page; the URL it shows delivers', async () => {
    await go('#/sources');
    // The file's source is listed read-only, its URL with the token masked.
    const fileRow = page.locator('tr[data-source=report]');
    await fileRow.waitFor();
    expect(await fileRow.textContent()).toContain(`${hb.url}/hooks/report?token=***`);
    expect(await fileRow.textContent()).toContain('from the config file');

    await page.getByRole('button', { name: 'Add a source' }).click();
    await page.fill('input[name=name]', 'kuma');
    await page.selectOption('select[name=format]', 'report');
    await page.fill('input[name=to_group]', 'ops');
    await page.getByRole('button', { name: 'Save' }).click();
    const url = (kumaUrl = (await page.getByTestId('created-url').textContent())!);
    expect(url).toMatch(new RegExp(`^${hb.url}/hooks/kuma\\?token=[A-Za-z0-9_-]{24}$`));
    // Listed afterwards with the token masked.
    await page.locator('tr[data-source=kuma]', { hasText: `${hb.url}/hooks/kuma?token=***` }).waitFor();
    await shot('sources');

    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Uptime check', content: 'example.com is down' }) });
    expect(res.status).toBe(202);
    await go('#/events');
    await page.locator('tr', { hasText: 'Uptime check' }).locator('td', { hasText: 'kuma' }).waitFor({ timeout: 3000 });
    await fake.waitFor(() => sentTo(OPS, 'Uptime check'), 15_000, 'the new source reaching ops');
  }, 60_000);

  it('sends a test notice to a target, and previews a captured payload as a dry run', async () => {
    await go('#/sources');
    const toAdmin = () => fake.calls('sendMessage').filter((r) => String(r.params['chat_id']) === String(ADMIN) && r.status === 200).length;
    const earlier = toAdmin();
    // The field suggests the targets the config already names.
    await page.locator(`#known-targets option[value="telegram:${OPS}"]`).waitFor({ state: 'attached' });
    await page.fill('input[name=target]', `telegram:${ADMIN}`);
    await page.getByRole('button', { name: 'Send a test notice' }).click();
    await page.getByRole('status').filter({ hasText: `Test notice queued: telegram:${ADMIN}` }).waitFor();
    await fake.waitFor(() => toAdmin() === earlier + 1, 15_000, 'the test notice');

    const before = fake.calls('sendMessage').length;
    await page.selectOption('select[name=replaySource]', 'kuma');
    const capture = page.locator('.replay').first();
    await capture.getByRole('button', { name: 'Dry run (preview only)' }).click();
    await capture.locator('pre').waitFor();
    expect(await capture.locator('pre').textContent()).toMatch(/Uptime check/);
    // A dry run sends nothing.
    expect(fake.calls('sendMessage').length).toBe(before);
  }, 60_000);

  it('adds and removes a mute', async () => {
    await go('#/mutes');
    await page.fill('input[name=pattern]', 'kuma');
    await page.fill('input[name=duration]', '2h');
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    const row = page.locator('tr[data-mute=kuma]');
    await row.waitFor();
    expect((await api('/mutes')).map((m: { pattern: string }) => m.pattern)).toEqual(['kuma']);
    await row.getByRole('button', { name: 'Unmute' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await api('/mutes')).toEqual([]);
  }, 60_000);

  it('edits a source, keeping its token, and deletes it: its URL then answers 404', async () => {
    await go('#/sources');
    const row = page.locator('tr[data-source=kuma]');
    await row.getByRole('button', { name: 'Edit' }).click();
    expect(await page.inputValue('input[name=to_group]')).toBe('ops');
    await page.fill('input[name=to_group]', `telegram:${LATER}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('form.editor').waitFor({ state: 'detached' });
    const post = (title: string) => fetch(kumaUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, content: 'after the edit' }) });
    expect((await post('Rerouted')).status).toBe(202);
    await fake.waitFor(() => sentTo(LATER, 'Rerouted'), 15_000, 'the edited source reaching its new group');

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await post('Gone')).status).toBe(404);
  }, 60_000);

  it('lists the bots with their health and the targets people can paste', async () => {
    await go('#/bots');
    const telegram = page.locator('tr[data-bot=telegram]');
    await telegram.waitFor();
    await telegram.locator('.health-ok').waitFor({ timeout: 15_000 });
    expect(await telegram.textContent()).toContain(`telegram:${OPS}`);
    await shot('bots');
    await go('#/');
    await page.locator('.count[data-state=sent]').waitFor();
    await page.locator('.u-legend, canvas').first().waitFor();
    await shot('overview');
  }, 60_000);

  it('switches to Chinese: labels follow, and the choice is kept', async () => {
    await page.selectOption('select[name=lang]', 'zh-CN');
    await page.locator('nav').getByText('事件').waitFor();
    for (const label of ['概览', '失败投递', '静音', '来源', '机器人']) expect(await page.locator('nav').textContent()).toContain(label);
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await page.reload();
    await page.locator('nav').getByText('事件').waitFor();
    await go('#/events');
    await page.locator('th', { hasText: '来源' }).waitFor();
    await shot('events-zh');
  }, 60_000);

  it('is usable on a phone: nothing wider than the screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name] of [['#/', 'phone-overview'], ['#/events', 'phone-events']] as const) {
      await phone.goto(hb.url + '/' + hash);
      await phone.locator('nav').waitFor();
      await phone.locator('main section').waitFor();
      await phone.waitForLoadState('networkidle');
      const [scroll, inner] = (await phone.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
      expect(scroll, `${hash} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
      await shot(name, phone);
    }
    await phone.close();
  }, 60_000);
});
