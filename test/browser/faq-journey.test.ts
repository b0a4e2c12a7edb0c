import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiUser, type TestApp } from '../support/app.ts';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import type { Role } from '../../src/auth/users-repository.ts';

warnIfNoChromium('FAQ');

const ERROR = 'sysinv-agent: inventory report rejected: Connection reset by peer (zeta-4242)';
const XSS = [
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '<svg onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<a href="https://evil.example" target="_blank">e</a>',
  '<script>alert(1)</script>',
].join('\n\n');

let rig: BrowserRig;
let t: TestApp;
let base: string;
let browser: Browser;
const problems: string[] = [];
const dialogs: string[] = [];

async function setRole(username: string, role: Role) {
  const u = t.ports.users.byUsername(username)!;
  await t.ports.users.update({ ...u, role });
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page };
}

async function signIn(page: Page, username: string, password = 'correct horse battery') {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
}

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig();
  ({ t, base, browser } = rig);
  await apiUser(t.app, 'contrib');
  await apiUser(t.app, 'maint');
  await setRole('maint', 'maintainer');
}, 60_000);

afterAll(async () => {
  await rig?.close();
}, 30_000);

describe.skipIf(!hasChromium)('the troubleshooting FAQ in a real browser', () => {
  it('a contributor submits, a maintainer asks for a change, the contributor resubmits, it is approved, and a stuck newcomer finds it first', async () => {
    const { page: author } = await newPage();
    await signIn(author, 'contrib');
    await author.goto(`${base}/faq/new`);
    await author.fill('#title', 'kubectl connection refused after install');
    // While typing, similar entries appear (page script, /api/faq).
    await author.waitForSelector('#similar-list a[href="/faq/kubectl-refused"]');
    await author.fill('#title', 'Configuration stalls: the inventory report is rejected');
    await author.fill('#errorText', ERROR);
    await author.selectOption('#phase', 'configure');
    await author.fill('#cause', 'The **management network** drops long connections.');
    await author.fill('#fix', 'Restart the agent: `sudo sm-restart service sysinv-agent`');
    // The live preview is rendered by the server's sanitizer.
    await author.waitForSelector('#preview-cause strong');
    expect(await author.textContent('#preview-cause')).toContain('management network');
    await Promise.all([author.waitForURL('**/faq/mine'), author.click('button[value=submit]')]);
    expect(await author.textContent('main')).toContain('in review');

    const { page: maint } = await newPage();
    await signIn(maint, 'maint');
    await maint.goto(`${base}/review`);
    await Promise.all([maint.waitForURL('**/review/*'), maint.click('text=Configuration stalls: the inventory report is rejected')]);
    await maint.fill('#comment', 'Please add how to check the management network first.');
    await Promise.all([maint.waitForNavigation(), maint.click('button[value=request-changes]')]);
    expect(await maint.textContent('main')).toContain('changes requested');

    await author.goto(`${base}/faq/mine`);
    expect(await author.textContent('main')).toContain('Please add how to check the management network first.');
    await Promise.all([author.waitForURL('**/edit'), author.click('text=Make the changes and resubmit')]);
    await author.fill('#fix', 'Check the link with `ping -c 3 controller-1`, then restart the agent: `sudo sm-restart service sysinv-agent`');
    await author.fill('#note', 'Added the network check');
    await Promise.all([author.waitForURL('**/faq/mine'), author.click('button[value=submit]')]);
    expect(await author.textContent('main')).toContain('in review');

    await maint.goto(`${base}/review`);
    await Promise.all([maint.waitForURL('**/review/*'), maint.click('text=Configuration stalls: the inventory report is rejected')]);
    await Promise.all([maint.waitForNavigation(), maint.click('button[value=approve]')]);
    expect(await maint.textContent('.flash')).toContain('Approved');

    const { page: newcomer } = await newPage();
    await newcomer.goto(`${base}/workshops/demo-install/steps/unlock`);
    await newcomer.click('#stuck-title');
    await newcomer.fill('#stuck-q', `[sysadmin@controller-0 ~(keystone_admin)]$ system host-unlock controller-0\n2024-06-01T10:00:00.123Z ${ERROR}\n2024-06-01T10:00:01.456Z retrying in 30 seconds`);
    await Promise.all([newcomer.waitForURL((u) => u.pathname === '/faq' && u.searchParams.get('q')!.includes('inventory report rejected')), newcomer.click('button:has-text("Find matching entries")')]);
    // The search has its own address (Back and reload work; it can be shared), and it remembers the step.
    expect(new URL(newcomer.url()).searchParams.get('step')).toBe('unlock');
    const first = newcomer.locator('.faq-result[data-rank="1"] h3 a');
    expect(await first.getAttribute('href')).toBe('/faq/configuration-stalls-the-inventory-report-is-rejected');
    await Promise.all([newcomer.waitForURL('**/faq/configuration-stalls-*'), first.click()]);
    expect(await newcomer.textContent('.credits')).toContain('Written by contrib.');
    expect(await newcomer.textContent('[data-field=fix]')).toContain('ping -c 3 controller-1');
    expect(problems).toEqual([]);
  });

  it('no script runs from an entry full of XSS payloads, wherever it is shown', async () => {
    const token = await apiUser(t.app, 'attacker');
    const maintToken = await apiUser(t.app, 'approver');
    await setRole('approver', 'maintainer');
    const { body } = await request(t.app)
      .post('/api/faq')
      .set('authorization', `Bearer ${token}`)
      .send({ title: 'Payload entry <img src=x onerror=alert(1)>', errorText: '<script>alert(1)</script> payload-error', deployment: 'any', phase: 'install', cause: XSS, fix: XSS })
      .expect(201);
    await request(t.app).post(`/api/faq/${body.id}/reviews`).set('authorization', `Bearer ${maintToken}`).send({ decision: 'approve', comment: '' }).expect(200);

    const { page } = await newPage();
    dialogs.length = 0;
    await page.goto(`${base}/faq/${body.id}`);
    await page.goto(`${base}/faq?q=${encodeURIComponent('Payload entry img onerror')}`);
    expect(await page.locator('.faq-result a[href^="/faq/payload-entry"]').count()).toBe(1);
    await signIn(page, 'maint');
    await page.goto(`${base}/review/${body.id}`);
    await page.goto(`${base}/faq/${body.id}/revisions/0`);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll('.user-content [onerror], .user-content svg, .user-content iframe, .user-content script').length)).toBe(0);
  });
});
