import { describe, it, expect, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, logIn, signUp, type TestApp } from '../support/app.ts';

/**
 * Pages read their session without writing it (see cookieAuth): these check that reading stays
 * correct at the edges, where the full session machinery has to take over.
 */
let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const STEP = '/workshops/demo-install/steps/prepare';
const cookieOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.includes('onramp.sid'))?.split(';')[0];

describe('reading pages with a session', () => {
  it('when a signed-in learner reads pages, then they stay signed in, nothing is written and no cookie is re-sent', async () => {
    t = await buildApp();
    const agent = await signUp(t.app, 'reader');
    await agent.get('/dashboard'); // shows the welcome message once
    await agent.get(STEP);
    const commits = t.store.stats.commits;
    for (const path of [STEP, '/dashboard', '/workshops', '/faq', STEP]) {
      const res = await agent.get(path).expect(200);
      expect(res.text).toContain('>reader</a>');
      // Neither the session cookie nor the form token's, which the browser already holds.
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const head = await agent.head(STEP).expect(200);
    expect(cookieOf(head)).toBeUndefined();
    expect(t.store.stats.commits).toBe(commits);
  });

  it('when a message waits in the session, then the next page shows it once and the form token still works', async () => {
    t = await buildApp();
    const agent = await signUp(t.app, 'welcomed');
    const first = await agent.get('/dashboard').expect(200);
    expect(first.text).toContain('Welcome!');
    const second = await agent.get('/dashboard').expect(200);
    expect(second.text).not.toContain('Welcome!');
    expect(csrfFrom(second.text)).toBe(csrfFrom(first.text));
    await agent.post(`${STEP}/progress`).type('form').send({ _csrf: csrfFrom(second.text), done: '1' }).expect(303);
    const step = await agent.get(STEP).expect(200);
    expect(step.text).toContain('You marked this step done.');
  });

  it('when a form token cookie held for one session comes with another session, then that session gets a token of its own and the old one is refused', async () => {
    t = await buildApp();
    await signUp(t.app, 'first');
    await signUp(t.app, 'second');
    const agent = await logIn(t.app, 'first');
    const mine = csrfFrom((await agent.get(STEP).expect(200)).text);
    expect(csrfFrom((await agent.get(STEP).expect(200)).text)).toBe(mine); // held: the same token, page after page
    // The token is remembered as valid for the first session; it must not pass as the second's.
    const other = cookieOf(await request(t.app).get('/login').then(async (page) => {
      const pre = (page.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
      return request(t.app).post('/login').set('Cookie', pre).type('form').send({ _csrf: csrfFrom(page.text), username: 'second', password: 'correct horse battery' }).expect(302);
    }))!;
    const cookie = `${other}; onramp.csrf=${mine}`;
    const page = await request(t.app).get(STEP).set('Cookie', cookie).expect(200);
    expect(page.text).toContain('>second</a>');
    const theirs = csrfFrom(page.text);
    expect(theirs).not.toBe(mine);
    expect(String(page.headers['set-cookie'])).toContain(`onramp.csrf=${theirs}`);
    await request(t.app).post(`${STEP}/progress`).set('Cookie', cookie).type('form').send({ _csrf: mine, done: '1' }).expect(403);
    await request(t.app).post(`${STEP}/progress`).set('Cookie', `${other}; onramp.csrf=${theirs}`).type('form').send({ _csrf: theirs, done: '1' }).expect(303);
  });

  it('when the account ends its other sessions, then an old cookie reads pages as a visitor', async () => {
    t = await buildApp();
    await signUp(t.app, 'ended');
    const other = await logIn(t.app, 'ended');
    expect((await other.get('/dashboard')).text).toContain('>ended</a>');
    const user = t.ports.users.byUsername('ended')!;
    await t.ports.users.update({ ...user, sessionVersion: user.sessionVersion + 1 });
    const page = await other.get('/dashboard').expect(200);
    expect(page.text).not.toContain('>ended</a>');
    expect(page.text).toContain('Sign in');
  });

  it('when the session cookie is tampered with, then the page is read as a visitor', async () => {
    t = await buildApp();
    const agent = await signUp(t.app, 'tampered');
    const page = await agent.get('/dashboard');
    const jar = agent.jar.getCookies({ path: '/', domain: '127.0.0.1', secure: false, script: false });
    const real = jar.find((c) => c.name === 'onramp.sid')!.value;
    const forged = real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA');
    const res = await request(t.app).get('/dashboard').set('Cookie', `onramp.sid=${forged}`).expect(200);
    expect(res.text).not.toContain('>tampered</a>');
    expect(page.text).toContain('>tampered</a>');
  });

  it('when the session secret is rotated (new,old), then sessions signed with the old one still read pages', async () => {
    t = await buildApp({ SESSION_SECRET: 'o'.repeat(40) });
    const agent = await signUp(t.app, 'rotated');
    await agent.get('/dashboard');
    t = await t.restart({ SESSION_SECRET: `${'n'.repeat(40)},${'o'.repeat(40)}` });
    const cookie = agent.jar.getCookies({ path: '/', domain: '127.0.0.1', secure: false, script: false }).find((c) => c.name === 'onramp.sid')!;
    const res = await request(t.app).get('/dashboard').set('Cookie', `onramp.sid=${cookie.value}`).expect(200);
    expect(res.text).toContain('>rotated</a>');
  });

  it("when pages are served, then a signed-in person's are never stored, a visitor's only privately, and static files stay cacheable", async () => {
    t = await buildApp();
    const agent = await signUp(t.app, 'private');
    const mine = await agent.get('/dashboard').expect(200);
    expect(mine.headers['cache-control']).toBe('no-store');
    expect(mine.headers.etag).toBeUndefined();
    const api = await agent.get('/api/me/progress').expect(200);
    expect(api.headers['cache-control']).toBe('no-store');
    const visitor = await request(t.app).get(STEP).expect(200);
    expect(visitor.headers['cache-control']).toBe('private, no-cache');
    const css = await request(t.app).get('/static/css/app.css').expect(200);
    expect(css.headers['cache-control']).toMatch(/max-age=3600/);
    expect(css.headers.etag).toBeDefined();
  });

  it('when the site runs on https, then pages ask for HSTS and upgrade insecure requests', async () => {
    t = await buildApp({ BASE_URL: 'https://onramp.example' });
    const res = await request(t.app).get('/').expect(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});

describe('sessions change only on unsafe methods', () => {
  it('when a read handler tries to sign someone in or out, then it fails loudly instead of changing the session', async () => {
    const { createWebSessions } = await import('../../src/auth/web-sessions.ts');
    const { createCookieJar } = await import('../../src/lib/web/cookies.ts');
    t = await buildApp();
    const t2 = t;
    {
      const { createSessionsRepository } = await import('../../src/auth/sessions-repository.ts');
      const sessions = createWebSessions(createSessionsRepository(t2.store), createCookieJar(['x'.repeat(32)], false));
      const get = { method: 'GET', path: '/dashboard', headers: {} } as never;
      const res = { setHeader() {}, getHeader() {} } as never;
      await expect(sessions.start(get, res, { id: 'u', sessionVersion: 1 })).rejects.toThrow(/Signing in on a GET request \(\/dashboard\)/);
      await expect(sessions.end(get, res)).rejects.toThrow(/Signing out on a GET request/);
      expect(t2.store.count('sessions')).toBe(0);
      sessions.close();
    }
  });

});
