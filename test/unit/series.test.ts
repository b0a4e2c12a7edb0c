import { describe, it, expect } from 'vitest';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { bySegment, series } from '../../src/lib/web/series.ts';

/** `series(a, b, c)` must behave as `app.use(a); app.use(b); app.use(c)` for what the app relies on. */
function appWith(...handlers: RequestHandler[]) {
  const app = express();
  app.use(series(...handlers));
  app.get('/', (_req, res) => void res.send(`reached: ${res.getHeader('x-seen') ?? ''}`));
  app.use(((err, _req, res, _next) => void res.status(500).send(`error: ${(err as Error).message}`)) as express.ErrorRequestHandler);
  return app;
}
const mark = (name: string): RequestHandler => (_req, res, next) => {
  res.setHeader('x-seen', `${res.getHeader('x-seen') ?? ''}${name}`);
  next();
};

describe('middleware in series', () => {
  it('when each handler calls next, then they run in order and the route answers', async () => {
    expect((await request(appWith(mark('a'), mark('b'), mark('c'))).get('/').expect(200)).text).toBe('reached: abc');
  });

  it('when a handler answers itself, then the rest and the route do not run', async () => {
    const res = await request(appWith(mark('a'), (_req, res) => void res.send('early'), mark('never'))).get('/').expect(200);
    expect(res.text).toBe('early');
    expect(res.headers['x-seen']).toBe('a');
  });

  it('when a handler passes an error, throws, or returns a rejected promise, then the rest are skipped and the error handler answers', async () => {
    const fail = (how: 'next' | 'throw' | 'reject'): RequestHandler => (_req, _res, next) => {
      if (how === 'next') return next(new Error('passed'));
      if (how === 'throw') throw new Error('thrown');
      return Promise.reject(new Error('rejected')) as never;
    };
    for (const [how, message] of [['next', 'passed'], ['throw', 'thrown'], ['reject', 'rejected']] as const) {
      const res = await request(appWith(mark('a'), fail(how), mark('never'))).get('/').expect(500);
      expect(res.text).toBe(`error: ${message}`);
      expect(res.headers['x-seen']).toBe('a');
    }
  });

  it('when an async handler calls next later, then the chain goes on from there', async () => {
    const later: RequestHandler = async (_req, _res, next) => {
      await new Promise((r) => setTimeout(r, 5));
      next();
    };
    expect((await request(appWith(mark('a'), later, mark('b'))).get('/').expect(200)).text).toBe('reached: ab');
  });

  it('when given an error handler, then it refuses at once rather than skipping it silently', () => {
    const onError: express.ErrorRequestHandler = (_err, _req, _res, next) => next();
    expect(() => series(mark('a'), onError as unknown as RequestHandler)).toThrow(/error handler/);
  });
});

describe('routers chosen by the first path segment (bySegment)', () => {
  function apiWith(routers: { segments: string[]; router: express.Router }[]) {
    const app = express();
    app.use('/api', bySegment(routers));
    app.use((_req, res) => void res.status(404).send('no route'));
    return app;
  }
  const named = (name: string, ...paths: string[]) => {
    const r = express.Router();
    for (const p of paths) r.get(p, (_req, res) => void res.send(name));
    return r;
  };
  const app = apiWith([
    { segments: ['me'], router: named('progress', '/me/progress') },
    { segments: ['sessions'], router: named('sessions', '/sessions/:id') },
    { segments: ['sessions'], router: named('labs', '/sessions/:id/lab') },
  ]);

  it('when a path starts with a declared segment, then that router answers, whatever the case', async () => {
    expect((await request(app).get('/api/me/progress').expect(200)).text).toBe('progress');
    expect((await request(app).get('/API/ME/progress').expect(200)).text).toBe('progress');
  });

  it('when two routers declare one segment, then they are tried in order, as app.use would', async () => {
    expect((await request(app).get('/api/sessions/7').expect(200)).text).toBe('sessions');
    expect((await request(app).get('/api/sessions/7/lab').expect(200)).text).toBe('labs');
  });

  it('when no router declared the segment or none has the route, then the request goes on to what follows (a 404)', async () => {
    expect((await request(app).get('/api/workshops').expect(404)).text).toBe('no route');
    expect((await request(app).get('/api/me/other').expect(404)).text).toBe('no route');
    expect((await request(app).get('/api').expect(404)).text).toBe('no route');
  });

  it('when a router has a route outside its declared segments (nested routers too), then building it fails and names the route', () => {
    const nested = express.Router().use(named('x', '/me/progress', '/tokens'));
    expect(() => bySegment([{ segments: ['me'], router: nested }])).toThrow(/\/tokens/);
  });
});

describe('routers chosen by segment: routers mounted under a path', () => {
  it('when a nested router is mounted under a declared segment, then its routes count under that segment', async () => {
    const inner = express.Router().get('/users', (_req, res) => void res.send('users'));
    const router = express.Router().use('/admin', inner);
    const app = express().use(bySegment([{ segments: ['admin'], router }]));
    expect((await request(app).get('/admin/users').expect(200)).text).toBe('users');
    expect(() => bySegment([{ segments: ['users'], router }])).toThrow(/\/admin\/users/);
  });
});
