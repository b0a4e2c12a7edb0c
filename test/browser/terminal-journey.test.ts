import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';

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
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

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
});
