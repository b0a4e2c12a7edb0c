import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, jsonApi, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import { axeViolations, checkBothWays } from '../support/axe.ts';
import { startSshLab, type SshLab } from '../support/ssh-lab.ts';

warnIfNoChromium('workshop labs');

const PASSWORD = 'Lab-browser-pa55-9d2f';
const USER_PASSWORD = 'correct horse battery';
let rig: BrowserRig;
let base: string;
let browser: Browser;
let lab: SshLab;

beforeAll(async () => {
  if (!hasChromium) return;
  lab = await startSshLab([{ username: 'sysadmin', password: PASSWORD, controller: 'unlocked' }]);
  rig = await startBrowserRig((at) => ({
    BASE_URL: at,
    CONTENT_DIR: join(import.meta.dirname, '..', '..', 'workshops'),
    SEED_DIR: join(import.meta.dirname, '..', '..', 'seed'),
    LAB_SECRET: 'browser-lab-secret-0123456789abcdef-012345',
    LAB_NETWORKS: '127.0.0.1/32',
    LAB_TIMEOUT_SECONDS: '3',
  }));
  ({ base, browser } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await lab?.close();
}, 30_000);

async function signIn(page: Page, username: string) {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', USER_PASSWORD);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('form[action="/login"] button[type=submit]')]);
}

describe.skipIf(!hasChromium)('a workshop with labs, in the browser', () => {
  it('a participant joins, sees their lab on the step, presses "Check my lab", and the host’s open dashboard shows the checkpoint passed; the pages have no WCAG 2.1 AA violations', async () => {
    const { t } = rig;
    const api = jsonApi(base);
    await api('/users', undefined, { username: 'hostess', password: USER_PASSWORD });
    await api('/users', undefined, { username: 'pia', password: USER_PASSWORD });
    const u = t.ports.users.byUsername('hostess')!;
    await t.ports.users.update({ ...u, role: 'host' });
    const hostToken = (await api('/tokens', undefined, { username: 'hostess', password: USER_PASSWORD, name: 'setup' })).body.token as string;
    const session = (await api('/sessions', hostToken, { workshop: 'aio-simplex-virtual', title: 'Lab night', startsAt: new Date().toISOString(), durationMinutes: 90, capacity: 10 })).body;
    // The pool from a script, as JSON.
    const loaded = await api(`/sessions/${session.id}/labs`, hostToken, { labs: [{ name: 'lab-01', host: '127.0.0.1', port: lab.port, username: 'sysadmin', password: PASSWORD, notes: 'row 1, seat 4' }] });
    expect(loaded).toMatchObject({ status: 201, body: { loaded: 1 } });

    const context = await browser.newContext({ bypassCSP: true });
    context.setDefaultTimeout(10_000);
    const host = await context.newPage();
    const problems: string[] = [];
    host.on('pageerror', (e) => problems.push(e.message));
    await signIn(host, 'hostess');
    await host.goto(`${base}/sessions/${session.id}/labs`);
    expect(await host.textContent('main')).toContain('1 lab(s): 1 free');
    expect(await axeViolations(host)).toEqual([]);

    const other = await browser.newContext({ bypassCSP: true });
    other.setDefaultTimeout(10_000);
    const pia = await other.newPage();
    pia.on('pageerror', (e) => problems.push(e.message));
    await signIn(pia, 'pia');
    await pia.goto(`${base}/join`);
    await pia.fill('#code', session.code);
    await Promise.all([pia.waitForURL(`${base}/workshops/aio-simplex-virtual/steps/prepare-host#live-session`), pia.click('form[action="/join"] button[type=submit]')]);
    expect(await pia.textContent('.flash')).toContain('Your lab is lab-01');

    await host.goto(`${base}/sessions/${session.id}/host`);
    await host.waitForFunction(() => document.querySelector('[data-connection]')?.textContent?.startsWith('Live'));
    expect(await host.textContent('[data-labs-panel]')).toMatch(/lab-01\s*in use\s*pia/);
    expect(await axeViolations(host)).toEqual([]);

    await pia.goto(`${base}/workshops/aio-simplex-virtual/steps/unlock`);
    expect(await pia.textContent('#lab-title')).toBe('Your lab: lab-01');
    expect(await pia.textContent('#lab .code-block code')).toBe(`ssh -p ${lab.port} sysadmin@127.0.0.1`);
    expect(await pia.isVisible('#lab .lab-secret')).toBe(false);
    await pia.click('#lab summary:has-text("Show the password")');
    expect(await pia.textContent('#lab .lab-secret')).toBe(PASSWORD);
    // The step page with its lab panel, on a desktop and on a phone in the dark theme.
    expect(await checkBothWays(pia)).toEqual([]);

    await Promise.all([pia.waitForURL(/\?attempt=1#checkpoint-result$/), pia.click('#check-lab')]);
    expect(await pia.textContent('.flash')).toContain('Onramp ran “source /etc/platform/openrc; system host-list” on lab-01');
    expect(await pia.textContent('#checkpoint-result')).toContain('Checkpoint passed.');
    expect(await pia.inputValue('#output')).toContain('| 1  | controller-0 | controller  | unlocked       | enabled     | available    |');

    // The host's open dashboard got it over its stream, without a reload.
    await host.waitForSelector('[data-participants] tr:has-text("pia") .checkpoint-note', { timeout: 3000 });
    expect(await host.textContent('[data-participants] tr:has-text("pia") .checkpoint-note')).toContain('checkpoint passed');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
    await other.close();
  }, 90_000);
});
