import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import postgres from 'postgres';
import { buildApp, apiUser, csrfFrom, type TestApp } from '../support/app.ts';
import { onPostgres } from '../support/pg-databases.ts';
import { openSse } from '../support/sse.ts';
import { SETTLES } from '../support/eventually.ts';

/**
 * Two instances of Onramp on one PostgreSQL database, as behind a load balancer without sticky
 * sessions: whatever one writes, the other sees, and writes to the same records at once lose nothing.
 */
describe.skipIf(!onPostgres())('two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  const servers: http.Server[] = [];
  const streams: { close: () => void }[] = [];

  beforeEach(async () => {
    a = await buildApp();
    b = await buildApp({}, undefined, undefined, { databaseUrl: a.databaseUrl });
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await b.close();
    await a.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  async function listen(t: TestApp): Promise<string> {
    const server = t.app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  async function room() {
    const host = await apiUser(a.app, 'host1');
    await a.ports.users.change(a.ports.users.byUsername('host1')!.id, (u) => ({ ...u, role: 'host' }));
    const created = await request(a.app).post('/api/sessions').set(bearer(host)).send({
      workshop: 'demo-install', title: 'Two instances', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 200,
    }).expect(201);
    return { id: created.body.id as string, code: created.body.code as string, host };
  }

  it('when a learner checks the same step through both instances at once, then every attempt is counted', async () => {
    const token = await apiUser(a.app, 'learner1');
    const attempts = 40;
    const results = await Promise.all(Array.from({ length: attempts }, (_, i) =>
      request(i % 2 ? b.app : a.app).post('/api/me/progress/demo-install/unlock/checkpoint').set(bearer(token)).send({ output: `try ${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(attempts).fill(200));
    // Marking the three steps done at the same moment, half on each instance, keeps all three.
    await Promise.all(['prepare', 'unlock', 'verify'].map((step, i) =>
      request(i % 2 ? b.app : a.app).put(`/api/me/progress/demo-install/${step}`).set(bearer(token)).send({ done: true }).expect(200)));
    for (const t of [a, b]) {
      const p = await request(t.app).get('/api/me/progress/demo-install').set(bearer(token)).expect(200);
      expect(p.body.steps.unlock.checkpoint.attempts).toBe(attempts);
      expect(p.body.done).toBe(3);
    }
  });

  it('when sign-ins keep failing from one address through both instances, then the limit counts them together', async () => {
    // Instances made for this test, with a small limit; the suite's own two keep the defaults.
    const c = await buildApp({ RATE_LIMIT_LOGIN: '3' }, undefined, undefined, { databaseUrl: a.databaseUrl });
    const d = await buildApp({ RATE_LIMIT_LOGIN: '3' }, undefined, undefined, { databaseUrl: a.databaseUrl });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const agent = request.agent((i % 2 ? d : c).app);
        const page = await agent.get('/login').expect(200);
        const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: `nobody${i}`, password: 'wrong password!' });
        statuses.push(res.status);
      }
      // Three failures in all, not three on each instance.
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await d.close();
      await c.close();
    }
  });

  it('when many people vote on one FAQ entry through both instances at once, then both count every vote', async () => {
    const voters = await Promise.all(Array.from({ length: 24 }, (_, i) => apiUser(i % 2 ? b.app : a.app, `voter${i}`)));
    const results = await Promise.all(voters.map((token, i) =>
      request(i % 2 ? a.app : b.app).post('/api/faq/kubectl-refused/votes').set(bearer(token)).send({ helpful: i % 3 !== 0 })));
    expect(results.map((r) => r.status)).toEqual(Array(voters.length).fill(200));
    for (const t of [a, b]) {
      const res = await request(t.app).get('/api/faq/kubectl-refused').expect(200);
      expect(res.body.votes).toEqual({ helpful: 16, notHelpful: 8 });
    }
  });

  it('when people join one session through both instances at once, then the roster has each of them once, on both', async () => {
    const r = await room();
    const people = await Promise.all(Array.from({ length: 30 }, (_, i) => apiUser(i % 2 ? b.app : a.app, `person${i}`)));
    const joins = await Promise.all(people.map((token, i) =>
      request(i % 2 ? a.app : b.app).post('/api/sessions/join').set(bearer(token)).send({ code: r.code })));
    expect(joins.map((j) => j.status)).toEqual(Array(people.length).fill(201));
    for (const t of [a, b]) {
      const report = await request(t.app).get(`/api/sessions/${r.id}/report`).set(bearer(r.host)).expect(200);
      expect(report.body.participants).toHaveLength(30);
      expect(new Set(report.body.participants.map((p: { username: string }) => p.username)).size).toBe(30);
    }
  });

  it('when two people sign up with one username on both instances at the same moment, then exactly one account is made', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `same-name-${round}`;
      const [x, y] = await Promise.all([a, b].map((t, i) => request(t.app).post('/api/users').send({ username: name, password: `password number ${i}` })));
      expect([x!.status, y!.status].sort()).toEqual([201, 409]);
      expect(a.ports.users.all().filter((u) => u.username === name)).toHaveLength(1);
    }
    await vi.waitFor(() => expect(b.ports.users.all().filter((u) => u.username.startsWith('same-name-'))).toHaveLength(5), SETTLES);
  });

  it('when a participant acts on instance B, then the host on instance A sees it within 250 ms, and a reconnect to B replays exactly what was missed', async () => {
    const r = await room();
    const baseA = await listen(a);
    const baseB = await listen(b);
    const alice = await apiUser(b.app, 'alice');
    await request(b.app).post('/api/sessions/join').set(bearer(alice)).send({ code: r.code }).expect(201);
    const host = await openSse(baseA, `/api/sessions/${r.id}/events`, bearer(r.host));
    streams.push(host);

    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const note = `stuck-${i}`;
      const sent = performance.now();
      await request(b.app).post(`/api/sessions/${r.id}/stuck`).set(bearer(alice)).send({ note }).expect(200);
      await host.next((e) => e.event === 'participant' && e.data.includes(note), 1000);
      latencies.push(performance.now() - sent);
    }
    expect(Math.max(...latencies)).toBeLessThan(250);

    // The host's stream drops; meanwhile three announcements are made on A; it reconnects to B.
    const seen = host.events.filter((e) => e.id).map((e) => Number(e.id));
    const lastSeen = Math.max(...seen);
    host.close();
    for (const text of ['one', 'two', 'three']) {
      await request(a.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text }).expect(201);
    }
    const again = await openSse(baseB, `/api/sessions/${r.id}/events`, { ...bearer(r.host), 'last-event-id': String(lastSeen) });
    streams.push(again);
    await again.next((e) => e.event === 'announcement' && e.data.includes('three'));
    const replayed = again.events.filter((e) => e.id);
    expect(replayed.map((e) => Number(e.id))).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3]);
    expect(replayed.map((e) => JSON.parse(e.data).text)).toEqual(['one', 'two', 'three']);
  });

  it('when a notification is lost, then the periodic check still brings the change to the other instance', async () => {
    // A batch written straight into the database, announced to nobody (as if its NOTIFY were lost).
    const sql = postgres(a.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      await sql.begin(async (tx) => {
        const seq = Number((await tx`UPDATE onramp_seq SET seq = seq + 1 RETURNING seq`)[0]!.seq);
        const doc = JSON.stringify({ note: 'written without a notification' });
        await tx`INSERT INTO meta (key, doc, version) VALUES ('lost-notification', ${doc}, ${seq})`;
        await tx`INSERT INTO onramp_changes (seq, ord, c, k, doc) VALUES (${seq}, 0, 'meta', 'lost-notification', ${doc})`;
      });
    } finally {
      await sql.end({ timeout: 5 });
    }
    const started = performance.now();
    // The tests check every 200 ms (production: every second); nothing else prompts these instances.
    for (const t of [a, b]) {
      while (!t.store.peek('meta', 'lost-notification') && performance.now() - started < 3000) await new Promise((r) => setTimeout(r, 20));
      expect(t.store.peek('meta', 'lost-notification')).toEqual({ note: 'written without a notification' });
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('when an instance falls behind what the database keeps and reloads, then its live streams are told to go and a reconnect replays what they missed', async () => {
    const r = await room();
    const baseB = await listen(b);
    const alice = await apiUser(a.app, 'alice');
    await request(a.app).post('/api/sessions/join').set(bearer(alice)).send({ code: r.code }).expect(201);
    const host = await openSse(baseB, `/api/sessions/${r.id}/events`, bearer(r.host));
    streams.push(host);
    await request(a.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'before' }).expect(201);
    const before = await host.next((e) => e.event === 'announcement' && e.data.includes('before'), 2000);

    // A batch whose changes are no longer in onramp_changes, as when pruning passed an instance that
    // was behind: both instances must load every record again (the store cannot replay the gap).
    const reloads = b.store.stats.reloads ?? 0;
    const sql = postgres(a.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      const seq = Number((await sql`UPDATE onramp_seq SET seq = seq + 1 RETURNING seq`)[0]!.seq);
      await sql`SELECT pg_notify('onramp', ${`${seq} elsewhere`})`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    // The stream ends: after a reload its events may have come from a gap, so the client must resume.
    await Promise.race([host.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the stream was not closed after the reload')), 3000))]);
    expect(b.store.stats.reloads).toBe(reloads + 1);

    // What happened meanwhile reaches the host when it comes back with the last id it saw, on either instance.
    await request(a.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'after' }).expect(201);
    const again = await openSse(baseB, `/api/sessions/${r.id}/events`, { ...bearer(r.host), 'last-event-id': before.id! });
    streams.push(again);
    await again.next((e) => e.event === 'announcement' && e.data.includes('after'), 2000);
    expect(again.events.filter((e) => e.event === 'announcement').map((e) => JSON.parse(e.data).text)).toEqual(['after']);
    // And the reloaded instance still takes writes and tells its streams.
    await request(b.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'written on b' }).expect(201);
    await again.next((e) => e.event === 'announcement' && e.data.includes('written on b'), 2000);
  });
});
