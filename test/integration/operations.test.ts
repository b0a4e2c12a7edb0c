import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import express from 'express';
import request from 'supertest';
import { buildApp, signUp, type TestApp } from '../support/app.ts';
import { createLogger, requestLog } from '../../src/lib/logger.ts';
import { errorHandler } from '../../src/lib/error-handler.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const parsed = (t: TestApp) => t.logs().map((l) => JSON.parse(l) as Record<string, unknown>);

describe('operations: request ids, logs, metrics, readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp({ METRICS_TOKEN: 'scrape-token-0123456789abcdef' });
  });
  afterAll(() => t.close());

  it('when any request is answered, then it carries a request id (the proxy\'s when it sends a sane one) and one JSON log line names it, its route, status and time', async () => {
    const own = await request(t.app).get('/workshops').expect(200);
    expect(own.headers['x-request-id']).toMatch(UUID);
    const fromProxy = await request(t.app).get('/workshops/demo-install').set('X-Request-Id', 'nginx-7f3a9c21e5').expect(200);
    expect(fromProxy.headers['x-request-id']).toBe('nginx-7f3a9c21e5');
    const forged = await request(t.app).get('/workshops').set('X-Request-Id', '<script>alert(1)</script>').expect(200);
    expect(forged.headers['x-request-id']).toMatch(UUID);

    const line = parsed(t).find((l) => l.reqId === 'nginx-7f3a9c21e5')!;
    expect(line).toMatchObject({ level: 30, msg: 'request', method: 'GET', route: '/workshops/:slug', status: 200 });
    expect(typeof line.ms).toBe('number');
    expect(typeof line.time).toBe('number');
  });

  it('when people search with a pasted log, sign in, and open a reset link, then no pasted text, password or secret reaches the log', async () => {
    const paste = 'fatal: [localhost]: FAILED! PASTED-LINE-7731 from a private host';
    await request(t.app).get('/faq').query({ q: paste }).expect(200);
    await signUp(t.app, 'log-reader', 'a password nobody logs 42');
    await request(t.app).get('/reset/very-secret-reset-link-0001');
    const all = t.logs().join('');
    for (const secret of ['PASTED-LINE-7731', 'a password nobody logs 42', 'very-secret-reset-link-0001', 'private host']) expect(all).not.toContain(secret);
    expect(parsed(t).some((l) => l.route === '/faq' && l.status === 200)).toBe(true);
    expect(parsed(t).some((l) => l.route === '/reset/:secret')).toBe(true);
  });

  it('when /metrics is asked from an allowed address or with the token, then it answers Prometheus text with request, store and FAQ figures; anyone else finds nothing there', async () => {
    await request(t.app).get('/faq').query({ q: 'kubectl refused' }).expect(200);
    const res = await request(t.app).get('/metrics').expect(200); // supertest connects from 127.0.0.1
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/onramp_http_request_duration_seconds_count\{method="GET",route="\/workshops\/:slug",status="2xx"\} [1-9]/);
    expect(res.text).toMatch(/onramp_faq_searches_typed_total [1-9]/);
    expect(res.text).toMatch(/onramp_faq_searches_pasted_total [1-9]/);
    expect(res.text).toMatch(/onramp_store_commits [1-9]/);
    expect(res.text).toMatch(/onramp_store_users_records [1-9]/);
    expect(res.text).toContain('onramp_live_streams 0');
    expect(res.text).toContain('nodejs_eventloop_lag_p99_seconds');

    const locked = await buildApp({ METRICS_ALLOW: '', METRICS_TOKEN: 'scrape-token-0123456789abcdef' });
    try {
      await request(locked.app).get('/metrics').expect(404);
      await request(locked.app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789abcdef').expect(404);
      const withToken = await request(locked.app).get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789abcdef').expect(200);
      expect(withToken.text).toContain('onramp_http_request_duration_seconds');
    } finally {
      await locked.close();
    }
  });

  it('when the instance is ready it says so on /readyz; once it starts stopping, /readyz answers 503 with why and answers close their connections', async () => {
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', waiting: [] });
    expect((await request(t.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    const other = await buildApp();
    try {
      other.drain();
      const draining = await request(other.app).get('/readyz').expect(503);
      expect(draining.body.waiting).toEqual(['stopping: finishing the requests in flight']);
      const page = await request(other.app).get('/workshops').expect(200);
      expect(page.headers.connection).toBe('close');
    } finally {
      await other.close();
    }
  });
});

describe('error pages and the log', () => {
  it('when a request fails on our side, then the page and the JSON give its reference, and the log line with that id holds the stack the page hides', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', destination: { write: (l: string) => void lines.push(l) } });
    const app = express();
    app.set('views', new URL('../../views', import.meta.url).pathname);
    app.use(requestLog(logger));
    app.get('/boom', () => {
      throw new Error('database password hunter2 in a message');
    });
    app.get('/api/boom', () => {
      throw new Error('api failure');
    });
    // A page needs the layout's locals; without a view engine the handler falls back to a plain sentence.
    app.use(errorHandler(logger, (_req, res) => void (res.locals.path = '/boom')));
    const page = await request(app).get('/boom').set('Accept', 'text/html').expect(500);
    const id = page.headers['x-request-id'];
    expect(page.text).not.toContain('hunter2');
    const api = await request(app).get('/api/boom').expect(500);
    expect(api.body.error).toMatchObject({ code: 'internal_error', requestId: api.headers['x-request-id'] });
    const failed = lines.map((l) => JSON.parse(l)).find((l) => l.reqId === id && l.msg === 'request failed');
    expect(failed.level).toBe(50);
    expect(failed.err.stack).toContain('hunter2');
  });
});
