import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';

warnIfNoChromium('live-session');

let rig: BrowserRig;
let t: TestApp;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig();
  ({ t, base, browser } = rig);
}, 60_000);

afterAll(async () => {
  if (!hasChromium) return;
  for (const c of contexts) await c.close().catch(() => {});
  await rig?.close();
}, 30_000);

async function person(username: string): Promise<Page> {
  const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${username}] page error: ${err.message}`));
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#password', 'correct horse battery');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signup')), page.click('button[type=submit]:has-text("Create account")')]);
  return page;
}

describe.skipIf(!hasChromium)('live session journey in three browsers', () => {
  it('host schedules, two participants join, stuck shows live, announcements reach both, the report lists both', async () => {
    const host = await person('hostess');
    const u = t.ports.users.byUsername('hostess')!;
    await t.ports.users.update({ ...u, role: 'host' });

    // The host schedules a session starting now (UTC), so it is live at once.
    await host.goto(`${base}/sessions/new`);
    const now = new Date().toISOString();
    await host.fill('#title', 'Browser install night');
    await host.fill('#date', now.slice(0, 10));
    await host.fill('#time', now.slice(11, 16));
    expect(await host.inputValue('#timeZone')).toBe('Europe/Berlin'); // filled in from the browser
    await host.fill('#timeZone', 'UTC');
    await host.fill('#durationMinutes', '90');
    await host.fill('#capacity', '10');
    await Promise.all([host.waitForURL(/\/sessions\/[0-9a-f-]{36}$/), host.click('button:has-text("Schedule")')]);
    const code = (await host.getAttribute('[data-join-code]', 'data-join-code'))!;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const sessionUrl = host.url();

    await host.goto(`${sessionUrl}/host`);
    await host.waitForFunction(() => document.querySelector('[data-connection]')?.textContent?.startsWith('Live'));
    await host.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });

    // Two participants join with the code (typed the way people type it).
    const alice = await person('alice');
    const bob = await person('bob');
    for (const p of [alice, bob]) {
      await p.goto(`${base}/join`);
      await p.fill('#code', `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`);
      await Promise.all([p.waitForURL(sessionUrl), p.click('#join-submit')]);
      await p.goto(`${base}/workshops/demo-install/steps/prepare`);
      await p.waitForSelector('#live-session');
    }
    await host.waitForSelector('[data-participants] tr:has-text("alice")');
    await host.waitForSelector('[data-participants] tr:has-text("bob")');

    // Alice is stuck and pastes an error; the host sees it within two seconds, without a reload.
    const pasted = 'Error from server (Forbidden): <script>alert(1)</script> host controller-0 is locked';
    await alice.click('.stuck-form summary');
    await alice.fill('#stuck-note', pasted);
    await Promise.all([alice.waitForURL(/steps\/prepare/), alice.click('#stuck-submit')]);
    const started = Date.now();
    await host.waitForSelector('[data-participants] tr.is-stuck:has-text("alice")', { timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await host.textContent('[data-participants] tr.is-stuck .stuck-note')).toBe(pasted);
    expect(await host.textContent('[data-stuck-groups]')).toContain('Prepare the host');
    expect(await host.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    // The host posts an announcement; both participants see it arrive on the step page.
    await host.fill('#announcement', 'Everyone: move on to the unlock step');
    await Promise.all([host.waitForLoadState('load'), host.click('#announce-submit')]);
    for (const p of [alice, bob]) {
      await p.waitForSelector('#live-session [data-announcements] li:has-text("move on to the unlock step")', { timeout: 3000 });
    }

    // The host ends the session; the report shows both participants.
    await host.waitForSelector('#end-session');
    await Promise.all([host.waitForURL(/\/report$/), host.click('#end-session')]);
    const rows = await host.locator('[data-report-participants] tbody tr').allTextContents();
    expect(rows.join(' ')).toContain('alice');
    expect(rows.join(' ')).toContain('bob');
    expect(rows).toHaveLength(2);
    for (const p of [alice, bob]) await p.waitForSelector('text=The host has ended this session', { timeout: 3000 });
  }, 90_000);
});
