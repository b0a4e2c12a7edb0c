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

describe.skipIf(!hasChromium)('live session journey: a host, a helper and two participants', () => {
  it('host schedules with a call link, participants land on the room\'s step, a raised hand shows live with its matches, a helper\'s "I\'m on it" reaches the host, ending asks first and leaves no stale controls', async () => {
    const host = await person('hostess');
    const u = t.ports.users.byUsername('hostess')!;
    await t.ports.users.update({ ...u, role: 'host' });
    const helper = await person('helga');

    // The host schedules a session starting now (UTC), so it is live at once.
    await host.goto(`${base}/sessions/new`);
    const now = new Date().toISOString();
    await host.fill('#title', 'Browser install night');
    await host.fill('#description', 'Bring a laptop with 32 GB of memory.');
    await host.fill('#callUrl', 'https://meet.example.org/install-night');
    await host.fill('#date', now.slice(0, 10));
    await host.fill('#time', now.slice(11, 16));
    expect(await host.inputValue('#timeZone')).toBe('Europe/Berlin'); // filled in from the browser
    await host.fill('#timeZone', 'UTC');
    await host.fill('#durationMinutes', '90');
    await host.fill('#capacity', '10');
    await host.fill('#helpers', 'helga');
    await Promise.all([host.waitForURL(/\/sessions\/[0-9a-f-]{36}$/), host.click('button:has-text("Schedule")')]);
    const code = (await host.getAttribute('[data-join-code]', 'data-join-code'))!;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const sessionUrl = host.url();
    expect(await host.textContent('.session-description')).toBe('Bring a laptop with 32 GB of memory.');
    // The calendar file the host sends out carries the join link, the code and the call.
    const ics = (await (await host.request.get(`${sessionUrl}/calendar.ics`)).text()).replace(/\r\n[ \t]/g, '');
    expect(ics).toContain(`Join code: ${code.slice(0, 4)}-${code.slice(4)}`);
    expect(ics).toContain('Video call: https://meet.example.org/install-night');

    await host.goto(`${sessionUrl}/host`);
    await host.waitForFunction(() => document.querySelector('[data-connection]')?.textContent?.startsWith('Live'));
    await host.selectOption('#room-step', 'unlock');
    await Promise.all([host.waitForLoadState('load'), host.click('button:has-text("Set the room\'s step")')]);
    await host.waitForFunction(() => document.querySelector('[data-connection]')?.textContent?.startsWith('Live'));
    await host.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    await helper.goto(`${sessionUrl}/host`);
    await helper.waitForFunction(() => document.querySelector('[data-connection]')?.textContent?.startsWith('Live'));

    // Two participants join with the code (typed the way people type it) and land on the room's step.
    const alice = await person('alice');
    const bob = await person('bob');
    for (const p of [alice, bob]) {
      await p.goto(`${base}/join`);
      await p.fill('#code', `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`);
      await Promise.all([p.waitForURL('**/workshops/demo-install/steps/unlock#live-session'), p.click('#join-submit')]);
      await p.waitForSelector('#live-session');
    }
    await host.waitForSelector('[data-participants] tr:has-text("alice")');
    await host.waitForSelector('[data-participants] tr:has-text("bob")');

    // Alice is stuck: one control at the top raises her hand and shows what her paste matches.
    const pasted = 'controller-0 was administratively locked to take it out-of-service <script>alert(1)</script>';
    await alice.click('#stuck-title');
    await alice.fill('#stuck-note', pasted);
    await Promise.all([alice.waitForURL(/steps\/unlock\?help=open/), alice.click('#stuck-submit')]);
    const started = Date.now();
    expect(await alice.textContent('#stuck-title')).toBe('Your hand is raised');
    expect(await alice.isVisible('.raise-hand a[href="/faq/host-stays-locked"]')).toBe(true);
    await host.waitForSelector('[data-participants] tr.is-stuck:has-text("alice")', { timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await host.textContent('[data-participants] tr.is-stuck .stuck-note')).toBe(pasted);
    expect(await host.textContent('[data-stuck-groups] .stuck-card')).toMatch(/stuck for \d+ min/);
    expect(await host.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    // The helper takes it; the host sees who is on it, live, and so does Alice on her next page.
    await helper.waitForSelector('[data-stuck-groups] .stuck-card:has-text("alice") button:has-text("I\'m on it")');
    await Promise.all([helper.waitForLoadState('load'), helper.click('[data-stuck-groups] .stuck-card:has-text("alice") button:has-text("I\'m on it")')]);
    await host.waitForSelector('[data-stuck-groups] .claimed:has-text("helga is on it")', { timeout: 2000 });
    await alice.reload();
    expect(await alice.textContent('.raise-hand')).toContain('helga is on the way to help you');

    // The host posts an announcement; both participants see it arrive on the step page.
    await host.fill('#announcement', 'Everyone: move on to the verify step');
    await Promise.all([host.waitForLoadState('load'), host.click('#announce-submit')]);
    for (const p of [alice, bob]) {
      await p.waitForSelector('#live-session [data-announcements] li:has-text("move on to the verify step")', { timeout: 3000 });
    }

    // Ending asks first; the participants' live controls then go, without a reload.
    await host.waitForSelector('#end-session');
    await Promise.all([host.waitForURL(/\/host\/end$/), host.click('#end-session')]);
    expect(await host.textContent('main')).toContain('2 participants in the room, 1 of them stuck right now');
    await Promise.all([host.waitForURL(/\/report$/), host.click('#confirm-end')]);
    const rows = await host.locator('[data-report-participants] tbody tr').allTextContents();
    expect(rows.join(' ')).toContain('alice');
    expect(rows.join(' ')).toContain('bob');
    expect(rows).toHaveLength(2);
    for (const p of [alice, bob]) {
      await p.waitForSelector('text=The host has ended this session', { timeout: 3000 });
      expect(await p.locator('#session-done, .raise-hand, #live-session form').count()).toBe(0);
    }
  }, 90_000);
});
