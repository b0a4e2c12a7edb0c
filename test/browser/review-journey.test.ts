import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiUser, setRole, type TestApp } from '../support/app.ts';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';

warnIfNoChromium('contributor and reviewer');

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
