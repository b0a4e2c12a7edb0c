import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp, csrfFrom, signUp, type TestApp } from '../support/app.ts';
import { SETTLES } from '../support/eventually.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildApp();
});
afterEach(() => t.close());

interface Layer {
  rawPath?: unknown;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route of the JSON API, as the app has it mounted: a route added later is checked without editing this test. */
function apiRoutes(app: Express): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route) {
        for (const path of ([] as string[]).concat(l.route.path)) {
          for (const method of Object.keys(l.route.methods)) if (method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${path}` });
        }
      } else if (l.handle?.stack) walk(l.handle.stack, prefix + (typeof l.rawPath === 'string' && l.rawPath !== '/' ? l.rawPath : ''));
    }
  };
  const root = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  walk(root.filter((l) => l.rawPath === '/api'), '');
  return out;
}

const SAMPLE: Record<string, string> = { workshop: 'demo-install', slug: 'demo-install', step: 'unlock' };
const concrete = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => SAMPLE[name] ?? 'x');
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Creates a token on the account page, as a learner would; answers the token (shown once) and the agent. */
async function tokenFromAccountPage(scope: 'checkpoints' | 'all', name = `${scope} token`) {
  const agent = await signUp(t.app, `owner-${scope}`);
  const page = await agent.get('/account');
  const res = await agent.post('/account/tokens').type('form').send({ _csrf: csrfFrom(page.text), name, scope }).expect(200);
  const token = /<code id="new-token">(onr_[\w-]+)<\/code>/.exec(res.text)?.[1];
  expect(token).toBeTruthy();
  return { agent, token: token! };
}

describe('a "checkpoints only" token', () => {
  it('when it is used on every route of the API, then all are refused except posting checkpoint output and reading its own progress', async () => {
    const { token } = await tokenFromAccountPage('checkpoints');
    const routes = apiRoutes(t.app);
    expect(routes.length).toBeGreaterThan(40);
    const families = new Set(routes.map((r) => r.path.split('/')[2]));
    expect([...families].sort()).toEqual(expect.arrayContaining(['admin', 'faq', 'me', 'review-queue', 'session', 'sessions', 'tokens', 'users', 'workshops']));

    const allowed: string[] = [];
    for (const r of routes) {
      const res = await request(t.app)[r.method.toLowerCase() as 'get'](concrete(r.path)).set(bearer(token)).set('Accept', 'application/json').send(r.method === 'GET' || r.method === 'HEAD' ? undefined : {});
      if (res.status === 403 && res.body.error?.message === 'This token may only post checkpoint output and read your progress.') continue;
      allowed.push(`${r.method} ${r.path}`);
    }
    expect(allowed.sort()).toEqual(['GET /api/me/progress', 'GET /api/me/progress/:workshop', 'POST /api/me/progress/:workshop/:step/checkpoint']);

    // And the two it may do, it does.
    const posted = await request(t.app).post('/api/me/progress/demo-install/unlock/checkpoint').set(bearer(token))
      .send({ output: '| 1 | controller-0 | controller | unlocked | enabled | available |' }).expect(200);
    expect(posted.body.passed).toBe(true);
    expect((await request(t.app).get('/api/me/progress/demo-install').set(bearer(token)).expect(200)).body.done).toBe(1);
    // A page is never reachable with a token.
    expect((await request(t.app).get('/account').set(bearer(token))).status).toBe(401);
  });

  it('when an "everything" token is used on the same routes, then none is refused for its scope (the refusals above are the scope)', async () => {
    const { token } = await tokenFromAccountPage('all');
    for (const r of apiRoutes(t.app)) {
      const res = await request(t.app)[r.method.toLowerCase() as 'get'](concrete(r.path)).set(bearer(token)).set('Accept', 'application/json').send(r.method === 'GET' || r.method === 'HEAD' ? undefined : {});
      expect(res.body?.error?.message, `${r.method} ${r.path}`).not.toBe('This token may only post checkpoint output and read your progress.');
    }
  });

  it('when it is created on the account page, then it is shown once, its last use is listed, and once revoked it no longer works', async () => {
    const { agent, token } = await tokenFromAccountPage('checkpoints', 'lab controller');
    const listed = await agent.get('/account');
    expect(listed.text).not.toContain(token);
    expect(listed.text).toMatch(/lab controller<\/td><td>checkpoints only<\/td>.*never/s);

    await request(t.app).get('/api/me/progress').set(bearer(token)).expect(200);
    const usedPattern = /lab controller<\/td><td>checkpoints only<\/td><td><time[^>]*>[^<]+<\/time><\/td>\s*<td><time datetime="\d{4}-\d\d-\d\dT/;
    const used = await vi.waitFor(async () => {
      const page = await agent.get('/account');
      expect(page.text).toMatch(usedPattern);
      return page;
    }, SETTLES);

    const id = /action="\/account\/tokens\/([\w-]+)\/revoke"/.exec(used.text)![1];
    await agent.post(`/account/tokens/${id}/revoke`).type('form').send({ _csrf: csrfFrom(used.text) }).expect(303);
    expect((await agent.get('/account')).text).toContain('The token was revoked.');
    expect((await request(t.app).get('/api/me/progress').set(bearer(token))).status).toBe(401);
  });
});
