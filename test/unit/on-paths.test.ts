import { describe, it, expect } from 'vitest';
import express from 'express';
import request from 'supertest';
import { onPaths } from '../../src/lib/security.ts';

/** `onPaths` stands in for `Router().post(path, handler)` in front of the routes: it must choose the same requests. */
function appWith(method: string, paths: string[]) {
  const app = express();
  app.use(onPaths(method, paths, (_req, res, next) => {
    res.setHeader('x-ran', 'yes');
    next();
  }));
  app.all('/{*rest}', (_req, res) => void res.send(`ran: ${res.getHeader('x-ran') ?? 'no'}`));
  return app;
}

describe('middleware for some routes only (onPaths)', () => {
  const app = appWith('POST', ['/api/me/progress/:workshop/:step/checkpoint', '/faq']);

  it('when the method and a route match (as the router matches: any case, a trailing slash allowed), then it runs', async () => {
    for (const path of ['/api/me/progress/demo/prepare/checkpoint', '/API/me/progress/demo/prepare/checkpoint/', '/faq', '/faq/', '/faq?x=1']) {
      expect((await request(app).post(path)).text, path).toBe('ran: yes');
    }
  });

  it('when the method differs or no route matches, then the request passes by untouched', async () => {
    expect((await request(app).put('/api/me/progress/demo/prepare/checkpoint')).text).toBe('ran: no');
    for (const path of ['/api/me/progress/demo/prepare', '/api/me/progress/demo/prepare/checkpoint/more', '/faq/new', '/faqs', '/x/faq']) {
      expect((await request(app).post(path)).text, path).toBe('ran: no');
    }
  });

  it('when the method is *, then every method on a matching route runs it', async () => {
    const any = appWith('*', ['/faq/:id/edit']);
    expect((await request(any).post('/faq/12/edit')).text).toBe('ran: yes');
    expect((await request(any).put('/faq/12/edit')).text).toBe('ran: yes');
    expect((await request(any).post('/faq/12')).text).toBe('ran: no');
  });
});
