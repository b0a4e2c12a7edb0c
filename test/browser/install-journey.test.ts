import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, startBrowserRig, warnIfNoChromium, watchedPage, type BrowserRig } from '../support/browser.ts';

warnIfNoChromium('install');

let rig: BrowserRig;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig();
  ({ base, browser } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
}, 30_000);

describe.skipIf(!hasChromium)('a newcomer follows the guided install in a real browser', () => {
  it('opens the workshop, completes two steps with a checkpoint, signs up, keeps progress, logs out and in, and resumes', async () => {
    const { context, page, problems } = await watchedPage(browser);

    await page.goto(base);
    expect(await page.textContent('h1')).toContain('Install StarlingX');
    await page.click('text=Demo install');
    expect(await page.textContent('h1')).toBe('Demo install');
    await page.click('#start-button');
    expect(page.url()).toBe(`${base}/workshops/demo-install/steps/prepare`);
    // the copy button is made visible by the page script (CSP allows only our own script file)
    expect(await page.isVisible('.copy-btn')).toBe(true);

    await Promise.all([page.waitForURL('**/steps/unlock'), page.click('#mark-done')]);
    await page.fill('#output', '| 1  | controller-0 | controller  | locked | disabled | online |');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check my output")')]);
    expect(await page.textContent('#checkpoint-result')).toContain('The host is still locked');
    await page.fill('#output', '| 1  | controller-0 | controller  | unlocked | enabled | available |');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check my output")')]);
    expect(await page.textContent('#checkpoint-result')).toContain('Checkpoint passed.');
    // The verdict has an address: reloading it shows the same verdict and resubmits nothing.
    expect(page.url()).toMatch(/\/steps\/unlock\?attempt=2#checkpoint-result$/);
    await page.reload();
    expect(await page.textContent('#checkpoint-result')).toContain('Checkpoint passed.');
    // A passed checkpoint marks the step done and leads on from its success box.
    await Promise.all([page.waitForURL('**/steps/verify'), page.click('#checkpoint-result a:has-text("Continue to step 3")')]);
    expect(await page.textContent('.progress-text')).toContain('2 of 3 steps done');

    await page.click('text=Create account');
    await page.fill('#username', 'newcomer');
    await page.fill('#password', 'a long pass phrase');
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signup')), page.click('button:has-text("Create account")')]);
    expect(page.url()).toBe(`${base}/workshops/demo-install/steps/verify`);
    await page.goto(`${base}/dashboard`);
    expect(await page.textContent('main')).toContain('2 of 3 steps done');

    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign out")')]);
    await page.goto(`${base}/dashboard`);
    expect(await page.textContent('main')).toContain('You have not started a workshop yet');
    await page.click('text=Sign in');
    await page.fill('#username', 'newcomer');
    await page.fill('#password', 'a long pass phrase');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);
    await page.goto(`${base}/workshops/demo-install`);
    expect((await page.textContent('#start-button'))!.trim()).toBe('Resume');
    // Home greets the returning learner with the step to resume, and leads there.
    await page.goto(base);
    expect((await page.textContent('#resume-button'))!.trim()).toBe('Resume: Step 3 – Verify');
    await Promise.all([page.waitForURL('**/steps/verify'), page.click('#resume-button')]);
    expect(await page.textContent('.progress-text')).toContain('2 of 3 steps done');

    // "Did this help?" at the end of the step: no, and what was missing.
    await page.click('#step-feedback summary');
    await page.fill('#step-feedback-missing', 'How long the unlock takes');
    await Promise.all([page.waitForNavigation(), page.click('#step-feedback button:has-text("Send")')]);
    expect(await page.textContent('.flash')).toContain('maintainers read what was missing');

    // Reading the path's guide counts on the path and the dashboard.
    await page.goto(`${base}/paths/demo-path`);
    expect(await page.textContent('#path-progress')).toBe('0 of 2 parts done');
    await Promise.all([page.waitForURL('**/guides/demo-guide'), page.click('.path a:has-text("Demo guide")')]);
    expect(await page.textContent('.guide-read')).toContain('You have read this guide');
    await page.goto(`${base}/dashboard`);
    expect(await page.textContent('main')).toContain('1 of 2 parts done');
    expect(await page.textContent('main')).toContain('Resume: Step 3 – Verify');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 60_000);

  it('on a phone-sized screen, step pages fit the width: long commands scroll inside their block', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/workshops/demo-install/steps/prepare`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
