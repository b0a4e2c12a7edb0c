import { describe, it, expect, afterEach } from 'vitest';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp, apiUser, type TestApp } from '../support/app.ts';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

/** Makes the next n disk syncs fail the way a full disk does. */
async function failNextSyncs(dir: string, n: number): Promise<void> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const original = proto.datasync;
  let left = n;
  proto.datasync = function (this: unknown) {
    if (left-- <= 0) {
      proto.datasync = original;
      return original.call(this);
    }
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  };
}

describe('full disk', () => {
  it('when the disk is full, then writes answer 503, nothing half-applied remains, and the server recovers', async () => {
    // The embedded store's own disk (PostgreSQL has its own: see test/pg/outage.test.ts).
    t = await buildApp({}, undefined, undefined, { embedded: true });
    const token = await apiUser(t.app, 'diskfull');
    const auth = { Authorization: `Bearer ${token}` };
    await failNextSyncs(t.dir, 1);
    const res = await request(t.app).put('/api/me/progress/demo-install/prepare').set(auth).send({ done: true });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('store_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect((await request(t.app).get('/api/me/progress').set(auth)).body.progress).toEqual([]);
    await request(t.app).get('/healthz').expect(200);
    await request(t.app).put('/api/me/progress/demo-install/prepare').set(auth).send({ done: true }).expect(200);
    t = await t.restart();
    expect((await request(t.app).get('/api/me/progress').set(auth)).body.progress[0].done).toBe(1);
  });
});
