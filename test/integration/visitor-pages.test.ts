import { describe, it, expect, afterEach } from 'vitest';
import request from 'supertest';
import { apiUser, buildApp, csrfFrom, setRole, signUp, type TestApp } from '../support/app.ts';

/**
 * A visitor without cookies reading a step page another visitor read gets it from memory
 * (src/lib/web/visitor-pages.ts). What they must not notice: a stale page, someone else's form
 * token, or someone else's page; what operators can see: how many pages were answered that way.
 */
let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const STEP = '/workshops/demo-install/steps/prepare';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const csrfCookie = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('onramp.csrf='))?.split(';')[0];
const served = async () => Number(/^onramp_visitor_pages_served (\d+)/m.exec((await request(t.app).get('/metrics').expect(200)).text)?.[1]);

describe('visitors read step pages kept in memory', () => {
  it('when two visitors read the same step, then the second is answered from memory, each with a form token of their own that works', async () => {
    t = await buildApp();
    const before = await served();
    const first = await request(t.app).get(STEP).expect(200);
    const second = await request(t.app).get(STEP).expect(200);
    expect(await served()).toBe(before + 1);
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(second.headers['cache-control']).toBe('private, no-cache');
    expect(second.headers['content-security-policy']).toContain("script-src 'self'");
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const [a, b] = [csrfFrom(first.text), csrfFrom(second.text)];
    expect(a).not.toBe(b);
    // Apart from the token, the two pages are the same bytes.
    expect(second.text.split(b).join('TOKEN')).toBe(first.text.split(a).join('TOKEN'));
    // The second visitor's form, with the cookie that came with it, is accepted; with the first's cookie it is not.
    const ok = await request(t.app).post(`${STEP}/feedback`).set('cookie', csrfCookie(second)!).type('form').send({ _csrf: b, helpful: '1' });
    expect(ok.status).toBe(303);
    const crossed = await request(t.app).post(`${STEP}/feedback`).set('cookie', csrfCookie(first)!).type('form').send({ _csrf: b, helpful: '1' });
    expect(crossed.status).toBe(403);
    // The request log and metrics still name the route.
    const metrics = (await request(t.app).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/route="\/workshops\/:slug\/steps\/:step"/);
  });

  it('when a visitor comes back with only their form cookie, then they get the page from memory with the token of that cookie', async () => {
    t = await buildApp();
    const first = await request(t.app).get(STEP).expect(200);
    const before = await served();
    const again = await request(t.app).get(STEP).set('cookie', csrfCookie(first)!).expect(200);
    expect(await served()).toBe(before + 1);
    expect(csrfFrom(again.text)).toBe(csrfFrom(first.text));
  });

  it('when a maintainer approves an entry for the step, then the next visitor sees it in "I\'m stuck" at once', async () => {
    t = await buildApp();
    await request(t.app).get(STEP).expect(200);
    expect((await request(t.app).get(STEP).expect(200)).text).not.toContain('Prepare fails with a visitor-cache marker');
    const token = await apiUser(t.app, 'maint-bot');
    await setRole(t, 'maint-bot', 'maintainer');
    const created = await request(t.app).post('/api/faq').set(bearer(token)).send({
      title: 'Prepare fails with a visitor-cache marker', deployment: ['aio-sx'], phase: 'install', cause: 'A cause.', fix: 'A fix.', steps: ['demo-install/prepare'],
    }).expect(201);
    await request(t.app).post(`/api/faq/${created.body.id}/reviews`).set(bearer(token)).send({ decision: 'approve' }).expect(200);
    const after = await request(t.app).get(STEP).expect(200);
    expect(after.text).toContain('Prepare fails with a visitor-cache marker');
  });

  it('when the reader has an account, a saved profile or asks with a query, then they get their own page, never the kept one', async () => {
    t = await buildApp();
    await request(t.app).get(STEP).expect(200);
    await request(t.app).get(STEP).expect(200);
    const before = await served();
    const learner = await signUp(t.app, 'marker');
    const page = await learner.get(STEP).expect(200);
    await learner.post(`${STEP}/progress`).type('form').send({ _csrf: csrfFrom(page.text), done: '1' }).expect(303);
    expect((await learner.get(STEP).expect(200)).text).toContain('You marked this step done.');
    // A visitor who saved their setup has a profile cookie: their page is theirs.
    const visitor = request.agent(t.app);
    const form = await visitor.get(STEP).expect(200);
    await visitor.post('/profile').type('form').send({ _csrf: csrfFrom(form.text), deployment: 'aio-dx', next: STEP }).expect(303);
    const own = await visitor.get(STEP).expect(200);
    expect(own.text).toContain('showing yours');
    const opened = await request(t.app).get(`${STEP}?help=open`).expect(200);
    expect(opened.text).toMatch(/<details class="help-panel" id="stuck" open>/);
    expect(await served()).toBe(before + 1); // only the visitor's first look at the page, before saving a profile
    // Visitors without cookies still get the plain page.
    const plain = await request(t.app).get(STEP).expect(200);
    expect(plain.text).not.toContain('You marked this step done.');
    expect(plain.text).not.toContain('showing yours');
  });
});
