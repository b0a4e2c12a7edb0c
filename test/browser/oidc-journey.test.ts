import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations } from '../support/axe.ts';
import { hasChromium, startBrowserRig, warnIfNoChromium, watchedPage, type BrowserRig } from '../support/browser.ts';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

warnIfNoChromium('OpenID Connect sign-in');

let rig: BrowserRig;
let provider: TestProvider;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig(async (at) => {
    provider = await startTestProvider({ redirectUri: `${at}/auth/oidc/callback` });
    provider.accounts.set('sub-ada', { sub: 'sub-ada', preferred_username: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' });
    return { BASE_URL: at, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret, OIDC_LABEL: 'Test ID' };
  });
  ({ base, browser } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await provider?.stop();
}, 30_000);

describe.skipIf(!hasChromium)('a newcomer signs in with their community identity in a real browser', () => {
  it('goes from a step to the provider and back, chooses a username, and lands signed in on the step; the next time it is one click', async () => {
    // The provider's own pages are not Onramp's concern (it has no favicon, for one).
    const { context, page, problems } = await watchedPage(browser, {}, (text) => text.startsWith('Failed to load resource'));
    page.on('response', (r) => {
      if (r.url().startsWith(base) && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    await Promise.all([page.waitForURL('**/login?next=*'), page.click('.nav-account >> text=Sign in')]);
    // The button posts (with its CSRF token) and the browser is sent on to the provider: the page's CSP allows that form target.
    await Promise.all([page.waitForURL(`${provider.issuer}/interaction/**`), page.click('button:has-text("Sign in with Test ID")')]);
    await page.fill('#u', 'ada');
    await Promise.all([page.waitForURL(`${base}/auth/oidc/welcome`), page.click('button:has-text("Sign in to Test ID")')]);
    expect(await page.textContent('main')).toContain('ada@example.org');
    expect(await page.inputValue('#username')).toBe('ada');
    await Promise.all([page.waitForURL(`${base}/workshops/demo-install/steps/unlock`), page.click('button:has-text("Create my account")')]);
    expect(await page.textContent('.nav-account')).toContain('ada');
    expect(await page.textContent('.flash')).toContain('You sign in with Test ID');

    await page.goto(`${base}/account`);
    expect(await page.textContent('#identities')).toContain('Sign in with Test ID');
    expect(await page.textContent('main')).toContain('ada@example.org');
    await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Sign out")')]);

    // Signed out of Onramp but still signed in at the provider: signing in again is one click.
    await page.goto(`${base}/login`);
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button:has-text("Sign in with Test ID")')]);
    expect(await page.textContent('.nav-account')).toContain('ada');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 60_000);

  it('the sign-in, first-visit and account pages have no WCAG 2.1 AA violations', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    expect(await axeViolations(page)).toEqual([]);
    provider.accounts.set('sub-bea', { sub: 'sub-bea', preferred_username: 'bea' });
    await Promise.all([page.waitForURL(`${provider.issuer}/interaction/**`), page.click('button:has-text("Sign in with Test ID")')]);
    await page.fill('#u', 'bea');
    await Promise.all([page.waitForURL(`${base}/auth/oidc/welcome`), page.click('button:has-text("Sign in to Test ID")')]);
    expect(await axeViolations(page)).toEqual([]);
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button:has-text("Create my account")')]);
    await page.goto(`${base}/account`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
