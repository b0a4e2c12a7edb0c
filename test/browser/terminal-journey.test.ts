import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, jsonApi, startBrowserRig, warnIfNoChromium, watchedPage, type BrowserRig } from '../support/browser.ts';
import { axeViolations } from '../support/axe.ts';

warnIfNoChromium('terminal checkpoint');

let rig: BrowserRig;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig((at) => ({ BASE_URL: at }));
  ({ base, browser } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
}, 30_000);

const row = (admin: string, oper: string, avail: string) => `| 1  | controller-0 | controller  | ${admin} | ${oper} | ${avail} |\n`;

describe.skipIf(!hasChromium)('a learner checks a step from the terminal while the step page is open', () => {
  it('makes a "checkpoints only" token, and the open page shows each verdict as the terminal sends it, without a reload', async () => {
    const { context, page, problems } = await watchedPage(browser);

    await page.goto(`${base}/signup`);
    await page.fill('#username', 'termina');
    await page.fill('#password', 'a long pass phrase');
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button:has-text("Create account")')]);

    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    expect(await page.textContent('#terminal-checkpoint code')).toContain(`system host-list 2>&1 | curl`);
    await Promise.all([page.waitForURL(`${base}/account#tokens`), page.click('text=Create a “checkpoints only” token')]);
    await page.fill('#token-name', 'controller-0');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Create token")')]);
    const exported = (await page.textContent('main'))!;
    const token = /export ONRAMP_TOKEN=(onr_[\w-]+)/.exec(exported)![1]!;

    // The page's stream is open (its headers came back) before the terminal sends anything.
    const streaming = page.waitForResponse((r) => r.url().startsWith(`${base}/api/me/events?`) && r.status() === 200);
    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    await streaming;
    // What the one-liner sends, from "another machine": this test process.
    const send = async (output: string) => {
      const res = await fetch(`${base}/api/me/progress/demo-install/unlock/checkpoint`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', accept: 'text/plain' },
        body: output,
      });
      return res.text();
    };
    expect(await send(row('locked', 'disabled', 'online'))).toMatch(/^NOT YET/);
    await page.waitForSelector('#checkpoint-result.fail');
    expect(await page.textContent('#checkpoint-result')).toContain('The host is still locked.');
    expect(page.url()).toBe(`${base}/workshops/demo-install/steps/unlock?attempt=1#checkpoint-result`);
    expect(await page.inputValue('#output')).toContain('locked');

    expect(await send(row('unlocked', 'enabled', 'available'))).toMatch(/^PASSED/);
    await page.waitForSelector('#checkpoint-result.pass');
    expect(await page.textContent('#checkpoint-result')).toContain('Checkpoint passed.');
    expect(await page.textContent('.step-actions')).toContain('You marked this step done.');
    expect(await page.textContent('.progress-text')).toContain('1 of 3 steps done');
    expect(await page.textContent('[role=status].sr-only')).toContain('Your terminal sent the output.');
    // The page went on working: its own form still checks output.
    await page.fill('#output', row('locked', 'disabled', 'online'));
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check my output")')]);
    expect(await page.textContent('#checkpoint-result')).toContain('The host is still locked.');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 60_000);

  it('in a live session, the host’s open dashboard shows a participant’s terminal checkpoint, failed with its hint, without a reload', async () => {
    const { t } = rig;
    const call = jsonApi(base);
    const api = (path: string, token: string | undefined, body?: unknown) => call(path, token, body).then((r) => r.body);
    const tokenOf = async (username: string, scopes: string[]) => {
      await api('/users', undefined, { username, password: 'correct horse battery' });
      return (await api('/tokens', undefined, { username, password: 'correct horse battery', name: 'x', scopes })).token as string;
    };
    const hostToken = await tokenOf('hosta', ['all']);
    const u = t.ports.users.byUsername('hosta')!;
    await t.ports.users.update({ ...u, role: 'host' });
    const session = await api('/sessions', hostToken, { workshop: 'demo-install', title: 'Install night', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 10 });
    const learner = await tokenOf('lars', ['all']);
    await api('/sessions/join', learner, { code: session.code });
    const terminal = (await api('/tokens', undefined, { username: 'lars', password: 'correct horse battery', name: 'terminal', scopes: ['checkpoints'] })).token as string;

    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const host = await context.newPage();
    await host.goto(`${base}/login`);
    await host.fill('#username', 'hosta');
    await host.fill('#password', 'correct horse battery');
    await Promise.all([host.waitForURL(`${base}/dashboard`), host.click('form[action="/login"] button[type=submit]')]);
    await host.goto(`${base}/sessions/${session.id}/host`);
    await host.waitForFunction(() => document.querySelector('[data-connection]')?.textContent?.startsWith('Live'));
    await host.waitForSelector('[data-participants] tr:has-text("lars")');

    const verdict = await fetch(`${base}/api/me/progress/demo-install/unlock/checkpoint`, {
      method: 'POST',
      headers: { authorization: `Bearer ${terminal}`, 'content-type': 'text/plain', accept: 'text/plain' },
      body: row('locked', 'disabled', 'online'),
    }).then((r) => r.text());
    expect(verdict).toMatch(/^NOT YET/);
    await host.waitForSelector('[data-participants] tr:has-text("lars") .checkpoint-note', { timeout: 2000 });
    const cell = (await host.textContent('[data-participants] tr:has-text("lars") .checkpoint-note'))!;
    expect(cell).toContain('checkpoint not yet');
    expect(cell).toContain('The host is still locked. Run `system host-unlock controller-0`.');
    // A reload shows the same, rendered by the server.
    await host.reload();
    expect(await host.textContent('[data-participants] tr:has-text("lars") .checkpoint-hint')).toContain('The host is still locked.');
    await context.close();
  }, 60_000);

  it('the step page with its terminal box, for a visitor and after a failed terminal check, has no WCAG 2.1 AA violations', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    expect(await page.textContent('#terminal-checkpoint')).toContain('create one');
    expect(await axeViolations(page)).toEqual([]);
    // Signed in (as the first journey's learner), with a failed check from the terminal waiting on reload.
    await page.goto(`${base}/login`);
    await page.fill('#username', 'termina');
    await page.fill('#password', 'a long pass phrase');
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('form[action="/login"] button[type=submit]')]);
    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    expect(await page.textContent('#terminal-checkpoint')).toContain('Your latest check');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
