import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import type { BrowserContext, Page } from 'playwright-core';
import { apiUser, setRole, type TestApp } from '../support/app.ts';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import { axeContext, checkBothWays } from '../support/axe.ts';

warnIfNoChromium('accessibility');

let rig: BrowserRig;
let t: TestApp;
let base: string;
const contexts: BrowserContext[] = [];
let session: { id: string; code: string };
let entryId: string;

async function as(username?: string): Promise<Page> {
  const context = await axeContext(rig.browser);
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  if (username) {
    await page.goto(`${base}/login`);
    await page.fill('#username', username);
    await page.fill('#password', 'correct horse battery');
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
  }
  return page;
}

/** Visits each page and collects what axe and the phone width check find. */
async function check(page: Page, paths: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const path of paths) {
    const res = await page.goto(`${base}${path}`);
    if (!res || res.status() >= 500) problems.push(`${path}: status ${res?.status()}`);
    problems.push(...(await checkBothWays(page)));
  }
  return problems;
}

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig();
  ({ t, base } = rig);
  const learner = await apiUser(t.app, 'ally-learner');
  const maint = await apiUser(t.app, 'ally-maint');
  await setRole(t, 'ally-maint', 'admin');
  const host = await apiUser(t.app, 'ally-host');
  await setRole(t, 'ally-host', 'host');
  const auth = (tok: string) => ({ authorization: `Bearer ${tok}` });
  // A contributor's entry with a maintainer's comment, a live session with someone stuck and a question.
  const entry = await request(t.app).post('/api/faq').set(auth(learner))
    .send({ title: 'kubectl refused after the bootstrap finished', errorText: 'The connection to the server localhost:8080 was refused', deployment: ['aio-sx'], phase: 'verify', cause: 'No **kubeconfig**.', fix: '```bash\nexport KUBECONFIG=/etc/kubernetes/admin.conf\n```', sources: ['https://docs.starlingx.io/'] }).expect(201);
  entryId = entry.body.id;
  await request(t.app).post(`/api/faq/${entryId}/reviews`).set(auth(maint)).send({ decision: 'request-changes', comment: 'Say **which** shell.' }).expect(200);
  const s = await request(t.app).post('/api/sessions').set(auth(host))
    .send({ workshop: 'demo-install', title: 'Accessible install night', startsAt: new Date().toISOString(), durationMinutes: 90, capacity: 20, description: 'Bring a laptop.', callUrl: 'https://meet.example.org/a11y' }).expect(201);
  session = { id: s.body.id, code: s.body.code };
  await request(t.app).post('/api/sessions/join').set(auth(learner)).send({ code: session.code }).expect(201);
  await request(t.app).post(`/api/sessions/${session.id}/stuck`).set(auth(learner)).send({ note: 'The connection to the server localhost:8080 was refused' }).expect(200);
  await request(t.app).post(`/api/sessions/${session.id}/questions`).set(auth(learner)).send({ text: 'Which shell do I use?' }).expect(201);
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await rig?.close();
}, 30_000);

describe.skipIf(!hasChromium)('accessibility: axe finds no WCAG 2.1 AA violation, on a desktop (light) and a phone (dark)', () => {
  it('for a visitor, on every public page type', async () => {
    const page = await as();
    const problems = await check(page, [
      '/', '/workshops', '/workshops/demo-install', '/workshops/demo-install/steps/prepare?help=open', '/guides/demo-guide', '/paths/demo-path',
      '/faq', '/faq/kubectl-refused', '/ask?workshop=demo-install&step=unlock', '/sessions', `/sessions/${session.id}`, '/login', '/no-such-page',
    ]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('for a learner: progress, a failed checkpoint, their entries, notifications, the entry form, a live step', async () => {
    const page = await as('ally-learner');
    await page.goto(`${base}/workshops/demo-install/steps/unlock`);
    await page.fill('#output', '| 1 | controller-0 | controller | locked | disabled | online |');
    await Promise.all([page.waitForURL(/attempt=/), page.click('button:has-text("Check my output")')]);
    const problems = await checkBothWays(page);
    problems.push(...(await check(page, [
      '/dashboard', '/workshops/demo-install/steps/prepare?help=open', '/faq/mine', '/notifications', '/account',
    ])));
    // A form sent back with errors.
    await page.goto(`${base}/faq/new`);
    await page.fill('#title', 'abc');
    await Promise.all([page.waitForNavigation(), page.click('button[value=submit]')]);
    problems.push(...(await checkBothWays(page)));
    expect(problems).toEqual([]);
  }, 120_000);

  it('for a maintainer and admin: the review queue, a review, insights, a revision, the users', async () => {
    const page = await as('ally-maint');
    const problems = await check(page, ['/review', `/review/${entryId}`, '/insights', `/faq/${entryId}/revisions/0`, '/admin/users']);
    expect(problems).toEqual([]);
  }, 120_000);

  it('for a host: scheduling, the session, the live dashboard, ending, the report', async () => {
    const page = await as('ally-host');
    const problems = await check(page, ['/sessions/new', `/sessions/${session.id}/host`, `/sessions/${session.id}/host/end`, `/sessions/${session.id}/report`]);
    expect(problems).toEqual([]);
  }, 120_000);
});
