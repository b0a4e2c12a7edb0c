import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import { PHONE } from '../support/axe.ts';

warnIfNoChromium('phone');

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

const sideways = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe.skipIf(!hasChromium)('on a phone', () => {
  it('without JavaScript: the header folds into a menu, a step offers its steps in a drawer and "I\'m stuck" at the top, nothing scrolls sideways', async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, isMobile: true, hasTouch: true });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(base);
    expect(await page.isVisible('.nav-wide a[href="/faq"]')).toBe(false);
    await page.click('.nav-menu summary');
    await Promise.all([page.waitForURL('**/faq'), page.click('.nav-menu a[href="/faq"]')]);
    expect(await sideways(page)).toBeLessThanOrEqual(PHONE.width);

    await page.goto(`${base}/workshops/demo-install/steps/prepare`);
    expect(await page.isVisible('.step-nav')).toBe(false);
    await page.click('.steps-drawer summary');
    await Promise.all([page.waitForURL('**/steps/unlock'), page.click('.steps-drawer a:has-text("Unlock the controller")')]);
    await page.click('#stuck-title');
    expect(await page.isVisible('#stuck-q')).toBe(true);
    expect(await sideways(page)).toBeLessThanOrEqual(PHONE.width);

    // Long words and addresses wrap; long command lines scroll inside their block.
    for (const path of ['/workshops/demo-install', '/faq/kubectl-refused', '/faq/host-stays-locked', '/sessions', '/join']) {
      await page.goto(`${base}${path}`);
      expect(await sideways(page), path).toBeLessThanOrEqual(PHONE.width);
    }
    // The join code field brings up a keyboard for codes: capitals, no autocorrect.
    expect(await page.getAttribute('#code', 'inputmode')).toBe('text');
    expect(await page.getAttribute('#code', 'autocapitalize')).toBe('characters');
    expect(await page.getAttribute('#code', 'autocorrect')).toBe('off');
    await context.close();
  }, 60_000);

  it('with JavaScript: a code block with a long line is a tab stop, so a keyboard can scroll it', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${base}/workshops/demo-install/steps/prepare`);
    const long = page.locator('pre[role="group"]', { hasText: 'ansible-playbook' });
    expect(await long.getAttribute('tabindex')).toBe('0');
    expect(await long.getAttribute('aria-label')).toBe('Commands');
    expect(await page.locator('pre[role="group"]', { hasText: 'echo hello' }).getAttribute('tabindex')).toBeNull();
    await context.close();
  });
});
