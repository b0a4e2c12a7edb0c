import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiUser, setRole, type TestApp } from '../support/app.ts';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import { PHONE } from '../support/axe.ts';

// Three loops on one server and one browser: the stuck newcomer, the contributor and the reviewer, the phone.
warnIfNoChromium('troubleshooting, review and phone');

let rig: BrowserRig;
let t: TestApp;
let base: string;
let browser: Browser;
const problems: string[] = [];

async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'correct horse battery');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
  return page;
}

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig();
  ({ t, base, browser } = rig);
  await apiUser(t.app, 'newwriter');
  await apiUser(t.app, 'chief');
  await setRole(t, 'chief', 'maintainer');
}, 60_000);

afterAll(async () => {
  await rig?.close();
}, 30_000);

describe.skipIf(!hasChromium)('a stuck newcomer finds help where they are, in a real browser', () => {
  it('"I\'m stuck" stays at the top while reading, opens in place, leads to "Ask the community"; an entry asks "Did this help?" and flags its release', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
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

describe.skipIf(!hasChromium)('a contributor hears back and a reviewer merges with open eyes, in real browsers', () => {
  it('submits, sees the right form message, gets a notification with a Markdown comment, resubmits; the reviewer sees duplicates, merges by type-ahead, confirms a release', async () => {
    const author = await signedIn('newwriter');
    await author.goto(`${base}/faq/new`);
    // A title that is filled in but too short says so (not "Fill this in.").
    await author.fill('#title', 'Hm?');
    await author.fill('#errorText', 'The connection to the server localhost:8080 was refused - did you specify the right host or port?');
    await author.selectOption('#phase', 'verify');
    await author.fill('#cause', 'The shell has no KUBECONFIG.');
    await author.fill('#fix', 'Log in again.');
    await Promise.all([author.waitForNavigation(), author.click('button[value=submit]')]);
    expect(await author.textContent('#title-error')).toBe('Write at least 5 characters.');
    await author.fill('#title', 'kubectl is refused on localhost:8080 after the bootstrap');
    await Promise.all([author.waitForURL('**/faq/mine'), author.click('button[value=submit]')]);
    const id = 'kubectl-is-refused-on-localhost-8080-after-the-bootstrap';

    const chief = await signedIn('chief');
    await chief.goto(`${base}/review/${id}`);
    // The published entry it duplicates is listed, with a one-click merge.
    expect(await chief.isVisible(`.duplicates a[href="/review/kubectl-refused"]`)).toBe(true);
    expect(await chief.isVisible('.duplicates button:has-text("Merge into")')).toBe(true);
    // The id field suggests entries as the reviewer types.
    await chief.fill('#into', 'host-st');
    await chief.waitForFunction(() => [...document.querySelectorAll('#merge-targets option')].some((o) => (o as HTMLOptionElement).value === 'host-stays-locked'));
    // An unknown id is an error beside the field, and the form keeps what was typed.
    await chief.fill('#into', 'no-such-entry');
    await Promise.all([chief.waitForNavigation(), chief.click('form:has(#into) button[type=submit]')]);
    expect(await chief.textContent('#into-error')).toContain('No entry has the id "no-such-entry"');
    expect(await chief.inputValue('#into')).toBe('no-such-entry');

    await chief.fill('#comment', 'Add **why** the shell has no KUBECONFIG:\n\n```bash\necho $KUBECONFIG\n```');
    await Promise.all([chief.waitForNavigation(), chief.click('button[value=request-changes]')]);

    // The author sees it in the header, opens it, and lands on the form to make the change.
    await author.goto(`${base}/dashboard`);
    expect(await author.textContent('.nav-wide .notices-link')).toMatch(/Notifications\s*1 unread/);
    expect(await author.textContent('.dashboard-entries')).toContain('Changes requested: your turn');
    await author.click('.nav-wide .notices-link');
    expect(await author.textContent('main')).toContain('Changes requested on “kubectl is refused on localhost:8080 after the bootstrap”');
    await Promise.all([author.waitForURL(`**/faq/${id}/edit`), author.click('.notice-item button:has-text("Open")')]);
    expect(await author.isVisible('.nav-wide .notices-link .badge')).toBe(false);
    await author.goto(`${base}/faq/mine`);
    expect(await author.textContent('.review-comment strong')).toBe('why');
    expect(await author.textContent('.review-comment code')).toContain('echo $KUBECONFIG');
    await Promise.all([author.waitForURL('**/edit'), author.click('text=Make the changes and resubmit')]);
    await author.fill('#cause', 'The shell was opened before the bootstrap: check with `echo $KUBECONFIG`.');
    await Promise.all([author.waitForURL('**/faq/mine'), author.click('button[value=submit]')]);

    // The reviewer merges it into the published entry after all, with one click.
    await chief.goto(`${base}/review/${id}`);
    await Promise.all([chief.waitForNavigation(), chief.click('.duplicates button:has-text("Merge into")')]);
    expect(await chief.textContent('.flash')).toContain('Merged into kubectl-refused');
    // And confirms the survivor for the current release: readers no longer see the warning.
    await chief.goto(`${base}/review/kubectl-refused`);
    expect(await chief.textContent('.release-flag')).toContain('Not confirmed for StarlingX 9.0');
    expect(await chief.inputValue('#confirm-release')).toBe('9.0');
    await Promise.all([chief.waitForNavigation(), chief.click('form[action$="/confirm"] button')]);
    expect(await chief.isVisible('.release-flag')).toBe(false);

    await author.goto(`${base}/notifications`);
    expect(await author.textContent('main')).toContain('was merged into another entry');
    expect(problems).toEqual([]);
  }, 60_000);
});

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

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
