import { describe, it, expect } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser } from '../support/app.ts';
import { onPostgres } from '../support/pg-databases.ts';
import { adminQuery, startCluster } from '../support/pg-cluster.ts';

/**
 * PostgreSQL restarting under Onramp (an upgrade, a failover): its own throwaway cluster, so the
 * other test files keep theirs.
 */
describe.skipIf(!onPostgres())('PostgreSQL stopping and starting again during a write burst', () => {
  it('when the database is down, then writes answer 503 with a plain message in bounded time; when it is back, Onramp recovers by itself and every acknowledged write is there', async () => {
    const cluster = await startCluster();
    try {
      await adminQuery(cluster, 'CREATE DATABASE onramp');
      const t = await buildApp({}, undefined, undefined, { databaseUrl: cluster.url('onramp'), ownsDatabase: false });
      try {
        const learners = await Promise.all(['writer1', 'writer2', 'writer3', 'writer4'].map(async (name) => ({ token: await apiUser(t.app, name), acked: 0 })));
        const unavailable: { status: number; ms: number; text: string }[] = [];
        let stop = false;
        const writers = learners.map(async (l, i) => {
          for (let n = 0; !stop; n++) {
            const sent = performance.now();
            const r = await request(t.app).post('/api/me/progress/demo-install/unlock/checkpoint')
              .set('authorization', `Bearer ${l.token}`).send({ output: `attempt ${i}.${n}` });
            if (r.status === 200) l.acked += 1;
            else {
              unavailable.push({ status: r.status, ms: performance.now() - sent, text: r.text });
              await new Promise((x) => setTimeout(x, 100));
            }
          }
        });

        await new Promise((x) => setTimeout(x, 700));
        const before = learners.reduce((n, l) => n + l.acked, 0);
        expect(before).toBeGreaterThan(0);
        cluster.stop();
        await new Promise((x) => setTimeout(x, 3000));
        // While it is down: a plain answer, no stack, no hang.
        const down = await request(t.app).post('/api/me/progress/demo-install/unlock/checkpoint')
          .set('authorization', `Bearer ${learners[0]!.token}`).send({ output: 'while down' });
        expect(down.status).toBe(503);
        expect(down.text).toContain('database');
        expect(down.text).not.toMatch(/at .*\.ts:\d+|ECONNREFUSED|Error:/);
        cluster.start();
        const restarted = performance.now();

        // Back by itself: writes succeed again within a few seconds, without restarting Onramp.
        let recovered = false;
        while (!recovered && performance.now() - restarted < 15_000) {
          const r = await request(t.app).put('/api/me/progress/demo-install/prepare')
            .set('authorization', `Bearer ${learners[1]!.token}`).send({ done: true });
          recovered = r.status === 200;
          if (!recovered) await new Promise((x) => setTimeout(x, 200));
        }
        expect(recovered).toBe(true);
        await new Promise((x) => setTimeout(x, 500));
        stop = true;
        await Promise.all(writers);

        expect(unavailable.length).toBeGreaterThan(0);
        expect(unavailable.every((u) => u.status === 503)).toBe(true);
        expect(Math.max(...unavailable.map((u) => u.ms))).toBeLessThan(6000);
        // Every acknowledged attempt is stored (one that was cut off mid-commit may be there too: it was never acknowledged).
        for (const l of learners) {
          const p = await request(t.app).get('/api/me/progress/demo-install').set('authorization', `Bearer ${l.token}`).expect(200);
          expect(p.body.steps.unlock.checkpoint.attempts).toBeGreaterThanOrEqual(l.acked);
          expect(p.body.steps.unlock.checkpoint.attempts).toBeLessThanOrEqual(l.acked + 1);
        }
        const ready = await request(t.app).get('/readyz');
        expect([200, 404]).toContain(ready.status);
      } finally {
        await t.close();
      }
    } finally {
      cluster.destroy();
    }
  }, 60_000);
});
