// The dashboard's door, in a real browser against the real process: nothing visible without signing
// in, a wrong token refused, the session cookie out of scripts' reach, changes without the CSRF
// header refused, and a page that says how to turn the dashboard on when no token is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { ensureDashboardBuilt, launchBrowser } from '../helpers/browser.js';

const API_TOKEN = 'dashboard-e2e-api-token-0123456789';
const PASSWORD = 'dashboard-e2e-password-0123456789';

describe('dashboard sign-in', () => {
  let hb: RunningHookbot;
  let off: RunningHookbot;
  let browser: Browser;
  beforeAll(async () => {
    ensureDashboardBuilt();
    [hb, off, browser] = await Promise.all([
      spawnHookbot({
        config: `
server: { port: {{port}}, host: 127.0.0.1, apiToken: "${API_TOKEN}", dashboardPassword: "${PASSWORD}" }
store: { sqlite: "{{dir}}/hookbot.db" }
`,
        startTimeoutMs: 90_000,
      }),
      spawnHookbot({ config: 'server: { port: {{port}}, host: 127.0.0.1 }\nstore: { sqlite: "{{dir}}/hookbot.db" }\n', startTimeoutMs: 90_000 }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([hb?.stop(), off?.stop()]);
  });

  it('serves the page with caching headers that fit: index never cached, hashed assets for a year', async () => {
    const index = await fetch(hb.url + '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const a = await fetch(hb.url + asset);
    expect(a.status).toBe(200);
    expect(a.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(hb.url + '/assets/../../package.json')).status).toBe(404);
  });

  it('shows nothing before sign-in, refuses a wrong token, signs in with the password', async () => {
    const page = await browser.newPage();
    await page.goto(hb.url + '/');
    await page.getByRole('heading', { name: 'Sign in to hookbot' }).waitFor();
    expect(await page.locator('nav').count()).toBe(0);
    await page.fill('input[name=secret]', 'not-the-token-not-the-token');
    await page.click('button[type=submit]');
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    await page.fill('input[name=secret]', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('nav').getByText('Events').waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'hookbot_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // Runs in the page: `document` is the browser's.
    expect(await page.evaluate('document.cookie')).not.toContain('hookbot_session');
    // The cookie alone reads; a change without the CSRF header is refused.
    const cookie = `hookbot_session=${session!.value}`;
    const info = (await fetch(hb.url + '/api/v1/session', { headers: { cookie } }).then((r) => r.json())) as { signedIn: boolean };
    expect(info.signedIn).toBe(true);
    const forged = await fetch(hb.url + '/api/deliveries/all/retry', { method: 'POST', headers: { cookie } });
    expect(forged.status).toBe(403);
    const sameSite = await fetch(hb.url + '/api/deliveries/all/retry', { method: 'POST', headers: { cookie, 'x-hookbot-csrf': '1' } });
    expect(sameSite.status).toBe(200);
    await page.close();
  });

  it('refuses the API without a session or token', async () => {
    expect((await fetch(hb.url + '/api/status')).status).toBe(401);
    expect((await fetch(hb.url + '/api/status', { headers: { cookie: 'hookbot_session=1.2.3' } })).status).toBe(401);
    expect((await fetch(hb.url + '/api/status', { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(200);
  });

  it('says how to turn the dashboard on when no API token is set', async () => {
    const page = await browser.newPage();
    await page.goto(off.url + '/');
    await page.getByRole('heading', { name: 'The dashboard is off' }).waitFor();
    expect(await page.textContent('body')).toContain('server.apiToken');
    await page.close();
  });
});
