import { describe, it, expect, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, type TestApp } from '../support/app.ts';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const sidOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('onramp.sid='));

describe('accounts', () => {
  it('when signing up, then the password is stored as argon2id with at least the OWASP parameters', async () => {
    t = await buildApp();
    await signUp(t.app, 'hashme');
    const user = t.ports.users.byUsername('hashme')!;
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$/.exec(user.passwordHash ?? '');
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(19456);
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
  });

  it('when a sign-up form is wrong, then it re-renders with the input and field errors and nothing is created', async () => {
    t = await buildApp();
    const agent = request.agent(t.app);
    const page = await agent.get('/signup');
    const res = await agent.post('/signup').type('form').send({ _csrf: csrfFrom(page.text), username: 'ok_name', password: 'short' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="ok_name"');
    expect(res.text).toContain('Use at least 8 characters.');
    expect(t.ports.users.byUsername('ok_name')).toBeUndefined();
    const common = await agent.post('/signup').type('form').send({ _csrf: csrfFrom(page.text), username: 'ok_name', password: 'password123' });
    expect(common.text).toContain('too common');
  });

  it('when a name differs only in case, then it is taken; look-alike and reserved names are refused', async () => {
    t = await buildApp();
    await signUp(t.app, 'Alice');
    await request(t.app).post('/api/users').send({ username: 'alice', password: 'another long one' }).expect(409);
    for (const username of ['аlice', 'alice\u200b', '__proto__', 'constructor']) {
      await request(t.app).post('/api/users').send({ username, password: 'another long one' }).expect(400);
    }
  });

  it('when twenty sign-ups race for one name, then exactly one account exists', async () => {
    t = await buildApp();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => request(t.app).post('/api/users').send({ username: 'racer', password: 'race condition pw' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect(t.ports.users.all().filter((u) => u.usernameKey === 'racer')).toHaveLength(1);
  });

  it('when logging in, then the session id changes, and after logout the old cookie is anonymous', async () => {
    t = await buildApp();
    await signUp(t.app, 'rotator');
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    // A visitor has no session at all: the first one is made at sign-in, with a fresh id.
    expect(sidOf(page)).toBeUndefined();
    const login = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'rotator', password: 'correct horse battery' });
    expect(login.status).toBe(302);
    const after = sidOf(login)!;
    expect(after).toBeDefined();
    // Signing in again from a browser that holds a session replaces it: the old id is dead.
    const relogin = await agent.get('/login?next=/account');
    expect(relogin.status).toBe(302);
    expect(after).toMatch(/HttpOnly/);
    expect(after).toMatch(/SameSite=Lax/);
    const oldCookie = after.split(';')[0]!;
    expect((await request(t.app).get('/account').set('Cookie', oldCookie)).status).toBe(200);
    const dash = await agent.get('/dashboard');
    await agent.post('/logout').type('form').send({ _csrf: csrfFrom(dash.text) }).expect(302);
    const replay = await request(t.app).get('/account').set('Cookie', oldCookie);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toMatch(/^\/login/);
    expect((await agent.get('/logout')).status).toBe(404);
  });

  it('when a wrong password is given, then the message is the same as for an unknown user', async () => {
    t = await buildApp();
    await signUp(t.app, 'known');
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const a = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'known', password: 'wrong password!' });
    const b = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'nobody', password: 'wrong password!' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.text.match(/field-error[^<]*<\/p>|role="alert">[^<]*/)?.[0]).toBe(b.text.match(/field-error[^<]*<\/p>|role="alert">[^<]*/)?.[0]);
  });

  it('when login keeps failing, then it is rate limited per address, and rotating X-Forwarded-For does not help', async () => {
    t = await buildApp({ RATE_LIMIT_LOGIN: '3' });
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await agent.post('/login').set('X-Forwarded-For', `203.0.113.${i}`).type('form')
        .send({ _csrf: csrfFrom(page.text), username: `user${i}`, password: 'wrong password!' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('when a stranger keeps failing to sign in to an account, then they are stopped, but its owner still signs in from a browser they used before', async () => {
    t = await buildApp({ RATE_LIMIT_LOGIN: '3', TRUST_PROXY: 'loopback' });
    const owner = await signUp(t.app, 'owner'); // this browser now carries the account's device cookie
    const dash = await owner.get('/dashboard');
    await owner.post('/logout').type('form').send({ _csrf: csrfFrom(dash.text) }).expect(302);
    const stranger = request.agent(t.app);
    const page = await stranger.get('/login');
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await stranger.post('/login').set('X-Forwarded-For', `198.51.100.${i}`).type('form')
        .send({ _csrf: csrfFrom(page.text), username: 'owner', password: `guess number ${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Even with the right password, a browser the account never used waits out the window...
    const fresh = request.agent(t.app);
    const freshPage = await fresh.get('/login');
    expect((await fresh.post('/login').set('X-Forwarded-For', '192.0.2.9').type('form').send({ _csrf: csrfFrom(freshPage.text), username: 'owner', password: 'correct horse battery' })).status).toBe(429);
    // ...but the owner's own browser signs in at once.
    const again = await owner.get('/login');
    const res = await owner.post('/login').set('X-Forwarded-For', '192.0.2.10').type('form').send({ _csrf: csrfFrom(again.text), username: 'owner', password: 'correct horse battery' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/dashboard');
  });

  it('when credentials are put in the query string, then they are refused', async () => {
    t = await buildApp();
    await signUp(t.app, 'query');
    const res = await request(t.app).post('/login?username=query&password=correct%20horse%20battery');
    expect(res.status).toBe(400);
  });

  it('when next= points off-site, then the login redirects home instead', async () => {
    t = await buildApp();
    await signUp(t.app, 'redirected');
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)']) {
      const agent = request.agent(t.app);
      const page = await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'redirected', password: 'correct horse battery', next });
      expect(res.headers.location).toBe('/dashboard');
    }
  });
});

describe('CSRF', () => {
  it('when a state change has no token, a foreign token, or comes from another site, then it is refused and nothing changes', async () => {
    t = await buildApp();
    const victim = await signUp(t.app, 'victim');
    const attacker = await signUp(t.app, 'attacker');
    const foreign = csrfFrom((await attacker.get('/dashboard')).text);
    const step = '/workshops/demo-install/steps/prepare/progress';
    expect((await victim.post(step).type('form').send({ done: '1' })).status).toBe(403);
    expect((await victim.post(step).type('form').send({ done: '1', _csrf: foreign })).status).toBe(403);
    const own = csrfFrom((await victim.get('/dashboard')).text);
    expect((await victim.post(step).set('Origin', 'https://evil.example').type('form').send({ done: '1', _csrf: own })).status).toBe(403);
    expect((await victim.post(step).set('Sec-Fetch-Site', 'cross-site').type('form').send({ done: '1', _csrf: own })).status).toBe(403);
    expect((await victim.put('/api/me/progress/demo-install/prepare').send({ done: true })).status).toBe(403);
    expect((await victim.get('/api/me/progress')).body.progress).toEqual([]);
    // the same request with the token goes through
    expect((await victim.post(step).type('form').send({ done: '1', _csrf: own })).status).toBe(303);
  });

  it('when the login form is posted without a token, then no session is created', async () => {
    t = await buildApp();
    await signUp(t.app, 'logincsrf');
    const res = await request(t.app).post('/login').type('form').send({ username: 'logincsrf', password: 'correct horse battery' });
    expect(res.status).toBe(403);
  });
});

describe('hostile bodies', () => {
  it('when JSON is malformed, too large, too deep or pollutes prototypes, then it is refused and later writes still work', async () => {
    t = await buildApp();
    const token = (await request(t.app).post('/api/users').send({ username: 'poison', password: 'poison pill pw' }), (await request(t.app).post('/api/tokens').send({ username: 'poison', password: 'poison pill pw', name: 'x' })).body.token);
    const auth = { Authorization: `Bearer ${token}` };
    const url = '/api/me/progress/demo-install/prepare';
    const malformed = await request(t.app).put(url).set(auth).set('Content-Type', 'application/json').send('{"done":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
    expect((await request(t.app).put(url).set(auth).set('Content-Type', 'application/json').send(`{"done":true,"x":"${'a'.repeat(200_000)}"}`)).status).toBe(413);
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect((await request(t.app).put(url).set(auth).set('Content-Type', 'application/json').send(`{"done":${deep}}`)).status).toBe(400);
    const proto = await request(t.app).put(url).set(auth).set('Content-Type', 'application/json').send('{"done":true,"__proto__":{"role":"admin"}}');
    expect(proto.status).toBe(400);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    expect((await request(t.app).put(url).set(auth).set('Content-Type', 'text/plain').send('done')).status).toBe(415);
    expect((await request(t.app).put(url).set(auth).send({ done: true })).status).toBe(200);
    expect(t.ports.users.byUsername('poison')!.role).toBe('learner');
  });

  it('when a role is slipped into a sign-up, then it is refused', async () => {
    t = await buildApp();
    const res = await request(t.app).post('/api/users').send({ username: 'sneaky', password: 'sneaky long pw', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.body).toMatch(/role/);
    expect(t.ports.users.byUsername('sneaky')).toBeUndefined();
  });
});
