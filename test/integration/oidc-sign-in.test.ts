import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, logIn, setRole, signUp, testConfig, type TestApp } from '../support/app.ts';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.ts';
import type { Identity } from '../../src/auth/identities-repository.ts';

const BASE = 'http://127.0.0.1:3000';
let p: TestProvider;
let t: TestApp;

const oidcEnv = () => ({ OIDC_ISSUER: p.issuer, OIDC_CLIENT_ID: p.clientId, OIDC_CLIENT_SECRET: p.clientSecret, OIDC_LABEL: 'Test ID' });

beforeEach(async () => {
  p = await startTestProvider({ redirectUri: `${BASE}/auth/oidc/callback` });
  p.accounts.set('sub-ada', { sub: 'sub-ada', preferred_username: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' });
  p.accounts.set('sub-grace', { sub: 'sub-grace', preferred_username: 'ghopper', email: 'grace@example.org' });
  t = await buildApp(oidcEnv());
});
afterEach(async () => {
  await t.close();
  await p.stop();
});

const setCookies = (res: request.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
const identities = () => [...t.store.values<Identity>('identities')];
const whoIs = async (agent: request.Agent) => (await agent.get('/api/session')).body.user as { username: string; role: string } | null;

/** Presses "Sign in with Test ID" on the sign-in page; answers where the browser is sent. */
async function pressSignIn(agent: request.Agent, next = '/workshops') {
  const page = await agent.get('/login');
  const res = await agent.post('/auth/oidc/start').type('form').send({ _csrf: csrfFrom(page.text), next });
  expect(res.status).toBe(303);
  return res;
}

/** Signs in at the provider as `sub` and answers the path the provider sends the browser back to. */
async function atProvider(location: string, sub: string) {
  p.signInAs(sub);
  const back = await p.authorize(location);
  expect(back.startsWith(`${BASE}/auth/oidc/callback?`)).toBe(true);
  return back.slice(BASE.length);
}

async function signInWithProvider(agent: request.Agent, sub: string, next = '/workshops') {
  const start = await pressSignIn(agent, next);
  return agent.get(await atProvider(start.headers.location!, sub));
}

/** A first sign-in, through choosing a username, to a signed-in browser. */
async function firstSignIn(sub: string, username: string) {
  const agent = request.agent(t.app);
  const back = await signInWithProvider(agent, sub);
  expect(back.headers.location).toBe('/auth/oidc/welcome');
  const welcome = await agent.get('/auth/oidc/welcome').expect(200);
  const done = await agent.post('/auth/oidc/welcome').type('form').send({ _csrf: csrfFrom(welcome.text), username });
  expect(done.status).toBe(303);
  return agent;
}

/** An admin who signed up with a password and linked an identity of the provider from their account page. */
async function adminLinkedTo(username: string, sub: string) {
  await signUp(t.app, username);
  await setRole(t, username, 'admin');
  const agent = await logIn(t.app, username);
  const account = await agent.get('/account');
  const start = await agent.post('/account/identities/link').type('form').send({ _csrf: csrfFrom(account.text) });
  await agent.get(await atProvider(start.headers.location!, sub));
}

function expectNoInternals(html: string) {
  expect(html).not.toMatch(/\bat \w+ \(|\.ts:\d+|node_modules|fetch failed|ECONNREFUSED|OAUTH_/);
}

describe('sign in with OpenID Connect', () => {
  it('when someone signs in for the first time, then they choose a username suggested from their claims, get an account without a password, and are signed in', async () => {
    const agent = request.agent(t.app);
    const login = await agent.get('/login').expect(200);
    expect(login.text).toContain('Sign in with Test ID');
    const start = await pressSignIn(agent);
    const to = new URL(start.headers.location!);
    expect(to.origin).toBe(p.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(setCookies(start).join(';')).toMatch(/onramp\.oidc=.*HttpOnly/i);

    const back = await agent.get(await atProvider(start.headers.location!, 'sub-ada'));
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/auth/oidc/welcome');
    expect(await whoIs(agent)).toBeNull();
    const welcome = await agent.get('/auth/oidc/welcome').expect(200);
    expect(welcome.text).toContain('ada@example.org');
    expect(welcome.text).toMatch(/name="username"[^>]*value="ada"/);

    const taken = await agent.post('/auth/oidc/welcome').type('form').send({ _csrf: csrfFrom(welcome.text), username: 'x' });
    expect(taken.status).toBe(422);
    const done = await agent.post('/auth/oidc/welcome').type('form').send({ _csrf: csrfFrom(welcome.text), username: 'ada' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/workshops');
    expect(await whoIs(agent)).toMatchObject({ username: 'ada', role: 'learner' });
    const user = t.ports.users.byUsername('ada')!;
    expect(user.passwordHash).toBeUndefined();
    expect(identities()).toEqual([expect.objectContaining({ issuer: p.issuer, subject: 'sub-ada', userId: user.id, display: 'ada@example.org' })]);

    // The next time, in another browser, the identity signs straight in.
    const other = request.agent(t.app);
    const again = await signInWithProvider(other, 'sub-ada', '/dashboard');
    expect(again.headers.location).toBe('/dashboard');
    expect(await whoIs(other)).toMatchObject({ username: 'ada' });
    expect(identities()[0]!.lastUsedAt).toBeTruthy();
    // Nobody can sign in to it with an empty password.
    const page = await request.agent(t.app).get('/login');
    expect((await request(t.app).post('/login').set('Cookie', setCookies(page)).type('form').send({ _csrf: csrfFrom(page.text), username: 'ada', password: '' })).status).toBe(422);
  });

  it('when the provider says the person has the e-mail and username of an existing account, then that account is not touched: a new one is made under another name', async () => {
    await signUp(t.app, 'ada');
    const agent = request.agent(t.app);
    const back = await signInWithProvider(agent, 'sub-ada');
    expect(back.headers.location).toBe('/auth/oidc/welcome');
    expect(await whoIs(agent)).toBeNull();
    const welcome = await agent.get('/auth/oidc/welcome');
    expect(welcome.text).toMatch(/name="username"[^>]*value="ada2"/);
    const clash = await agent.post('/auth/oidc/welcome').type('form').send({ _csrf: csrfFrom(welcome.text), username: 'ADA' });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain('That username is taken.');
    await agent.post('/auth/oidc/welcome').type('form').send({ _csrf: csrfFrom(welcome.text), username: 'ada2' }).expect(303);
    expect(await whoIs(agent)).toMatchObject({ username: 'ada2' });
    expect(identities().map((i) => i.userId)).toEqual([t.ports.users.byUsername('ada2')!.id]);
  });

  it('when a signed-in user links their identity, then it signs in to their account; unlinked, it no longer does', async () => {
    const grace = await signUp(t.app, 'grace');
    const account = await grace.get('/account').expect(200);
    expect(account.text).toContain('Link my Test ID identity');
    const start = await grace.post('/account/identities/link').type('form').send({ _csrf: csrfFrom(account.text) }).expect(303);
    const back = await grace.get(await atProvider(start.headers.location!, 'sub-grace'));
    expect(back.headers.location).toBe('/account');
    const linked = await grace.get('/account');
    expect(linked.text).toContain('is linked: you can sign in with it');
    expect(linked.text).toContain('grace@example.org');
    expect(identities()).toEqual([expect.objectContaining({ subject: 'sub-grace', userId: t.ports.users.byUsername('grace')!.id })]);

    const laptop = request.agent(t.app);
    await signInWithProvider(laptop, 'sub-grace');
    expect(await whoIs(laptop)).toMatchObject({ username: 'grace' });

    const key = identities()[0]!.key;
    const page = await grace.get('/account');
    await grace.post(`/account/identities/${key}/unlink`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect((await grace.get('/account')).text).toContain('Unlinked grace@example.org');
    expect(identities()).toEqual([]);
    const fresh = request.agent(t.app);
    expect((await signInWithProvider(fresh, 'sub-grace')).headers.location).toBe('/auth/oidc/welcome');
    expect(await whoIs(fresh)).toBeNull();
  });

  it('when an identity already signs in to another account, then linking it elsewhere is refused, and the only way into an account cannot be unlinked', async () => {
    const ada = await firstSignIn('sub-ada', 'ada');
    const grace = await signUp(t.app, 'grace');
    const account = await grace.get('/account');
    const start = await grace.post('/account/identities/link').type('form').send({ _csrf: csrfFrom(account.text) });
    const refused = await grace.get(await atProvider(start.headers.location!, 'sub-ada'));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('already signs in to another Onramp account');
    expect(identities().map((i) => i.userId)).toEqual([t.ports.users.byUsername('ada')!.id]);

    const page = await ada.get('/account');
    await ada.post(`/account/identities/${identities()[0]!.key}/unlink`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect((await ada.get('/account')).text).toContain('the only way you can sign in to this account');
    expect(identities()).toHaveLength(1);
  });

  it('when an admin signs in with their linked identity, then the session is new and carries their role, as with a password', async () => {
    await adminLinkedTo('root', 'sub-grace');

    const browser = request.agent(t.app);
    const before = await browser.get('/login');
    const res = await signInWithProvider(browser, 'sub-grace', '/admin/users');
    expect(res.headers.location).toBe('/admin/users');
    const sid = setCookies(res).find((c: string) => c.startsWith('onramp.sid='));
    expect(sid).toBeTruthy();
    expect(setCookies(before).find((c: string) => c.startsWith('onramp.sid='))).toBeUndefined();
    await browser.get('/admin/users').expect(200);
    // A form from before the sign-in carries a token for no session: CSRF refuses it.
    expect((await browser.post('/logout').type('form').send({ _csrf: csrfFrom(before.text) })).status).toBe(403);
  });

  it('when someone who signs in only with the provider deletes their account, then "delete" is enough, and their identity goes with it', async () => {
    const ada = await firstSignIn('sub-ada', 'ada');
    const account = await ada.get('/account');
    expect(account.text).toContain('This account has no password: you sign in with Test ID.');
    expect(account.text).not.toContain('name="current"');
    const page = await ada.get('/account/delete').expect(200);
    expect(page.text).not.toContain('name="password"');
    await ada.post('/account/delete').type('form').send({ _csrf: csrfFrom(page.text), confirm: 'delete' }).expect(303);
    expect(t.ports.users.byUsername('ada')).toBeUndefined();
    expect(identities()).toEqual([]);
  });

  it('when the sign-in button is pressed without the form token, then CSRF refuses it', async () => {
    const res = await request(t.app).post('/auth/oidc/start').type('form').send({ next: '/' });
    expect(res.status).toBe(403);
  });
});

describe('a sign-in that cannot be trusted is refused with a clear page', () => {
  async function expectRefused(res: request.Response, agent: request.Agent, status: number, text: RegExp) {
    expect(res.status).toBe(status);
    expect(res.type).toBe('text/html');
    expect(res.text).toMatch(text);
    expectNoInternals(res.text);
    expect(await whoIs(agent)).toBeNull();
    expect(t.ports.users.all()).toEqual([]);
  }

  it('when a callback is replayed, in the same browser or with a copy of its cookie, then it is refused before the provider is asked again', async () => {
    const agent = request.agent(t.app);
    const start = await pressSignIn(agent);
    const flowCookie = setCookies(start).find((c: string) => c.startsWith('onramp.oidc='))!.split(';')[0]!;
    const callback = await atProvider(start.headers.location!, 'sub-ada');
    expect((await agent.get(callback)).headers.location).toBe('/auth/oidc/welcome');
    const hits = p.tokenRequests();

    const again = await agent.get(callback);
    expect(again.status).toBe(400);
    expect(again.text).toContain('expired, was already used, or was not started in this browser');
    const copied = await request(t.app).get(callback).set('Cookie', flowCookie);
    expect(copied.status).toBe(400);
    expectNoInternals(copied.text);
    expect(p.tokenRequests()).toBe(hits);
  });

  it('when the state in the callback is not the one this browser started with, or the browser never started one, then it is refused', async () => {
    const agent = request.agent(t.app);
    const start = await pressSignIn(agent);
    const callback = new URL(await atProvider(start.headers.location!, 'sub-ada'), BASE);
    const elsewhere = request.agent(t.app);
    await expectRefused(await elsewhere.get(callback.pathname + callback.search), elsewhere, 400, /not started in this browser/);
    callback.searchParams.set('state', 'forged-state-of-an-attacker');
    await expectRefused(await agent.get(callback.pathname + callback.search), agent, 400, /not started in this browser/);
    expect(p.tokenRequests()).toBe(0);
  });

  it('when the ID token is re-signed by the test unchanged, then it is accepted (so the refusals below are for the one claim each changes)', async () => {
    p.tamper((c) => c, 'provider');
    const agent = request.agent(t.app);
    expect((await signInWithProvider(agent, 'sub-ada')).headers.location).toBe('/auth/oidc/welcome');
  });

  const forged: [string, (c: Record<string, unknown>) => Record<string, unknown>, 'provider' | 'stranger'][] = [
    ['carries another nonce', (c) => ({ ...c, nonce: 'not-the-one-we-sent' }), 'provider'],
    ['was issued to another client (audience)', (c) => ({ ...c, aud: 'another-client', azp: 'another-client' }), 'provider'],
    ['has expired', (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), 'provider'],
    ['names another issuer', (c) => ({ ...c, iss: 'https://evil.example' }), 'provider'],
    ['is signed with a key that is not the provider’s', (c) => c, 'stranger'],
  ];
  for (const [what, edit, key] of forged) {
    it(`when the ID token ${what}, then nobody is signed in`, async () => {
      p.tamper(edit, key);
      const agent = request.agent(t.app);
      await expectRefused(await signInWithProvider(agent, 'sub-ada'), agent, 400, /could not verify your sign-in with Test ID/);
    });
  }

  it('when the person cancels at the provider, then the callback says so', async () => {
    const agent = request.agent(t.app);
    const start = await pressSignIn(agent);
    const state = new URL(start.headers.location!).searchParams.get('state')!;
    const res = await agent.get(`/auth/oidc/callback?error=access_denied&error_description=End-User+aborted&state=${state}&iss=${encodeURIComponent(p.issuer)}`);
    await expectRefused(res, agent, 400, /The sign-in at Test ID was cancelled/);
  });

  it('when the provider is down, then the button and the callback answer a clear page, with no stack trace', async () => {
    const agent = request.agent(t.app);
    const start = await pressSignIn(agent);
    const callback = await atProvider(start.headers.location!, 'sub-ada');
    await p.stop();
    await expectRefused(await agent.get(callback), agent, 503, /Test ID does not answer right now/);

    const cold = await buildApp({ ...oidcEnv(), RATE_LIMIT_LOGIN: '2' });
    try {
      const browser = request.agent(cold.app);
      const page = await browser.get('/login');
      const res = await browser.post('/auth/oidc/start').type('form').send({ _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(503);
      expect(res.text).toContain('Test ID does not answer right now');
      expect(res.headers['retry-after']).toBe('5');
      expectNoInternals(res.text);
      // Clicking again does not ask the provider again straight away, and is still not counted as a failed sign-in.
      for (let i = 0; i < 3; i++) expect((await browser.post('/auth/oidc/start').type('form').send({ _csrf: csrfFrom(page.text) })).status).toBe(503);
    } finally {
      await cold.close();
    }
  });

  it('when failed callbacks keep coming from one address, then the sign-in rate limit stops them', async () => {
    await t.close();
    t = await buildApp({ ...oidcEnv(), RATE_LIMIT_LOGIN: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(t.app).get('/auth/oidc/callback?code=x&state=y')).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});

describe('password sign-in turned off', () => {
  it('when PASSWORD_LOGIN=off has no provider to sign in with, or the provider settings are incomplete or unsafe, then the configuration is refused', () => {
    expect(() => testConfig('/tmp/x', { PASSWORD_LOGIN: 'off' })).toThrow(/PASSWORD_LOGIN: off needs OpenID Connect/);
    expect(() => testConfig('/tmp/x', { OIDC_ISSUER: p.issuer, OIDC_CLIENT_ID: 'onramp' })).toThrow(/set all of OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_LABEL/);
    expect(() => testConfig('/tmp/x', { ...oidcEnv(), OIDC_ISSUER: 'http://id.example.org' })).toThrow(/must be an https:\/\/ address/);
  });

  it('when no admin has a linked identity, then the server refuses to start with password sign-in off', async () => {
    await signUp(t.app, 'root');
    await setRole(t, 'root', 'admin');
    await expect(t.restart({ ...oidcEnv(), PASSWORD_LOGIN: 'off' })).rejects.toThrow(/PASSWORD_LOGIN=off, but no admin has an identity at OIDC_ISSUER linked/);
    t = await buildApp(oidcEnv(), t.dir);
    expect(t.ports.users.byUsername('root')).toBeTruthy();
  });

  it('when an admin has a linked identity, then passwords are refused everywhere and everyone signs in with the provider', async () => {
    await adminLinkedTo('root', 'sub-grace');
    t = await t.restart({ ...oidcEnv(), PASSWORD_LOGIN: 'off' });

    const browser = request.agent(t.app);
    const login = await browser.get('/login').expect(200);
    expect(login.text).toContain('Sign in with Test ID');
    expect(login.text).not.toContain('name="password"');
    const refused = await browser.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'root', password: 'correct horse battery' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Password sign-in is turned off on this site. Sign in with Test ID instead.');
    expect((await browser.get('/signup')).headers.location).toBe('/login');
    expect((await request(t.app).post('/api/users').send({ username: 'newbie', password: 'correct horse battery' })).status).toBe(403);
    expect((await request(t.app).post('/api/tokens').send({ username: 'root', password: 'correct horse battery', name: 'x' })).body.error.code).toBe('password_login_off');
    expect(await whoIs(browser)).toBeNull();

    await signInWithProvider(browser, 'sub-grace', '/admin/users');
    expect(await whoIs(browser)).toMatchObject({ username: 'root', role: 'admin' });
    await browser.get('/admin/users').expect(200);
    // Their password no longer signs in, so the identity is the only way in and stays linked.
    const page = await browser.get('/account');
    await browser.post(`/account/identities/${identities()[0]!.key}/unlink`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect((await browser.get('/account')).text).toContain('the only way you can sign in to this account');
    // A newcomer signs up by signing in.
    const newcomer = await firstSignIn('sub-ada', 'ada');
    expect(await whoIs(newcomer)).toMatchObject({ username: 'ada' });
  });
});
