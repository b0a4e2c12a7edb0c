import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';

warnIfNoChromium('troubleshooting');

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

describe.skipIf(!hasChromium)('a stuck newcomer finds help where they are, in a real browser', () => {
  it('"I\'m stuck" stays at the top while reading, opens in place, leads to "Ask the community"; an entry asks "Did this help?" and flags its release', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    // Read down to the bottom of the step: "I'm stuck" is still at the top of the screen.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const box = (await page.locator('#stuck-title').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(80);
    await page.click('#stuck-title');
    // It opens where it is: the step's entries, the paste search and the community, on screen.
    expect(await page.isVisible('.help-panel-body a[href="/faq/host-stays-locked"]')).toBe(true);
    expect(await page.isVisible('#stuck-q')).toBe(true);
    const panel = (await page.locator('.help-panel-body').boundingBox())!;
    expect(panel.y).toBeLessThan(200);
    expect(await page.textContent('.help-panel-body .ask-community')).toContain('Getting help');

    // A failed checkpoint leads to the community with the output already in the question.
    await page.click('#stuck-title');
    await page.fill('#output', '| 1  | controller-0 | controller  | locked | disabled | online |');
    await Promise.all([page.waitForURL(/attempt=1/), page.click('button:has-text("Check my output")')]);
    await Promise.all([page.waitForURL(/\/ask\?/), page.click('#checkpoint-result a:has-text("Ask the community")')]);
    const question = (await page.textContent('#question'))!;
    expect(question).toContain('Release: StarlingX 9.0');
    expect(question).toContain('step 2 "Unlock the controller"');
    expect(question).toContain('| 1  | controller-0 | controller  | locked | disabled | online |');
    expect(question).toContain('`collect`');
    expect(await page.isVisible('.copy-btn')).toBe(true);

    // An entry that is not confirmed for the current release says so; "Did this help?" needs no account.
    await page.goto(`${base}/faq/kubectl-refused`);
    expect(await page.textContent('#release-flag')).toContain('Not yet confirmed for StarlingX 9.0');
    await page.click('#votes summary:has-text("No")');
    await page.fill('#votes-missing', 'What to do when admin.conf is missing');
    await Promise.all([page.waitForNavigation(), page.click('#votes button:has-text("Send")')]);
    expect(await page.textContent('.flash')).toContain('maintainers read what was missing');
    expect(await page.textContent('#votes')).toContain('You said: this did not help');
    expect(await page.inputValue('#votes-missing')).toBe('What to do when admin.conf is missing');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
