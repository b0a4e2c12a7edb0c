import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, csrfFrom, signUp, type TestApp } from '../support/app.ts';

/** What no error page may ever show: a stack, a file path, an engine's own error. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/TypeError|ReferenceError|SyntaxError/);
  expect(text).not.toMatch(/\/work\/|\/home\/|node_modules|\.ts:\d+/);
  expect(text).not.toMatch(/^\s+at /m);
}

for (const mode of ['development', 'production'] as const) {
  describe(`error pages (${mode})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildApp({ NODE_ENV: mode, SESSION_SECRET: 's'.repeat(40) });
    });
    afterAll(() => t.close());

    it('when errors are raised before the request is authenticated, then the error page renders with the layout and no internals', async () => {
      const visitor = request.agent(t.app);
      await visitor.get('/workshops/demo-install/steps/prepare');
      const cases: [string, request.Test, number][] = [
        ['an expired form', visitor.post('/workshops/demo-install/steps/prepare/progress').type('form').send({ done: '1', _csrf: 'expired' }), 403],
        ['a token in the address', request(t.app).get('/dashboard?token=abc'), 400],
        ['a bearer token on a page', request(t.app).get('/dashboard').set('Authorization', 'Bearer onr_x'), 401],
        ['a body over the limit', request(t.app).post('/faq/1/votes').type('form').send({ q: 'x'.repeat(70 * 1024) }), 413],
        ['a paste over the paste limit', request(t.app).post('/faq').type('form').send({ q: '|'.repeat(220 * 1024) }), 413],
        ['malformed JSON', request(t.app).post('/login').set('Content-Type', 'application/json').send('{"username":'), 400],
      ];
      for (const [what, req, status] of cases) {
        const res = await req.set('Accept', 'text/html');
        expect(res.status, what).toBe(status);
        expect(res.text, what).toContain('<header class="site-header">');
        expectNoInternals(res.text);
      }
    });

    it('when a state change comes from an opaque or malformed Origin, then it is refused with 403, not an error', async () => {
      const agent = await signUp(t.app, `origin-${mode}`);
      const page = await agent.get('/workshops/demo-install/steps/prepare');
      for (const origin of ['null', 'not a url', 'http://', 'javascript:alert(1)', 'https://evil.example']) {
        const res = await agent.post('/workshops/demo-install/steps/prepare/progress').set('Origin', origin).type('form').send({ done: '1', _csrf: csrfFrom(page.text) });
        expect(res.status, origin).toBe(403);
        expectNoInternals(res.text);
      }
      const ok = await agent.post('/workshops/demo-install/steps/prepare/progress').set('Origin', 'http://127.0.0.1:3000').type('form').send({ done: '1', _csrf: csrfFrom(page.text) });
      expect(ok.status).toBe(303);
    });

    it('when the API fails, then the answer is JSON with a code and a message, never a stack', async () => {
      const token = await apiUser(t.app, `api-${mode}`);
      const res = await request(t.app).post('/api/faq').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send('{bad');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
    });
  });
}
