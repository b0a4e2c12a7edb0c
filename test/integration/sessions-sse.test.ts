import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildApp, apiUser, csrfFrom, type TestApp } from '../support/app.ts';
import type { StreamOptions } from '../../src/sessions/live-broker.ts';
import { openSse } from '../support/sse.ts';
import { SETTLES } from '../support/eventually.ts';

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what} did not happen within ${ms} ms`)), ms))]);

let t: TestApp;
let server: http.Server;
let base: string;
const streams: { close: () => void }[] = [];

/** A fresh app and server; `streams` changes the live-stream settings (heartbeats, caps, re-checks). */
async function boot(streams?: Partial<StreamOptions>) {
  t = await buildApp({}, undefined, { streams });
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function shutdown() {
  for (const s of streams.splice(0)) s.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.close();
}
/** Starts the test over on an app with other stream settings. */
async function rebootWith(options: Partial<StreamOptions>) {
  await shutdown();
  await boot(options);
}
beforeEach(() => boot());
afterEach(() => shutdown());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
async function sse(path: string, headers: Record<string, string>) {
  const s = await openSse(base, path, headers);
  streams.push(s);
  return s;
}
async function room() {
  const host = await apiUser(t.app, 'host1');
  const u = t.ports.users.byUsername('host1')!;
  await t.ports.users.update({ ...u, role: 'host' });
  const created = await request(t.app).post('/api/sessions').set(bearer(host)).send({
    workshop: 'demo-install', title: 'Live test', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 50,
  }).expect(201);
  const alice = await apiUser(t.app, 'alice');
  const bob = await apiUser(t.app, 'bob');
  return { id: created.body.id as string, code: created.body.code as string, host, alice, bob };
}
const join = (token: string, code: string) => request(t.app).post('/api/sessions/join').set(bearer(token)).send({ code }).expect(201);

describe('live streams (SSE)', () => {
  it('when participants act, then the host stream gets JSON events with ids and participants get only room-wide ones', async () => {
    const r = await room();
    const hostStream = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    expect(hostStream.status).toBe(200);
    await join(r.alice, r.code);
    await join(r.bob, r.code);
    const bobStream = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.bob));
    await bobStream.next((e) => e.event === 'room');

    await request(t.app).post(`/api/sessions/${r.id}/stuck`).set(bearer(r.alice)).send({ note: 'secret-note' }).expect(200);
    const stuck = await hostStream.next((e) => e.event === 'participant' && e.data.includes('secret-note'));
    expect(JSON.parse(stuck.data)).toMatchObject({ username: 'alice', stuck: { note: 'secret-note', step: 'prepare' } });
    expect(Number(stuck.id)).toBeGreaterThan(0);

    await request(t.app).put('/api/me/progress/demo-install/prepare').set(bearer(r.alice)).send({ done: true }).expect(200);
    const moved = await hostStream.next((e) => e.event === 'participant' && JSON.parse(e.data).stepsDone.includes('prepare'));
    expect(JSON.parse(moved.data)).toMatchObject({ currentStep: 'unlock', stuck: null });

    await request(t.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'Coffee break' }).expect(201);
    const seen = await bobStream.next((e) => e.event === 'announcement');
    expect(JSON.parse(seen.data).text).toBe('Coffee break');
    await hostStream.next((e) => e.event === 'announcement');
    const room_ = await bobStream.next((e) => e.event === 'room' && JSON.parse(e.data).steps[1].here === 1, 3000);
    expect(room_.id).toBeUndefined();
    expect(bobStream.events.some((e) => e.event === 'participant' || e.data.includes('secret-note'))).toBe(false);
  });

  it('when a helper says "I\'m on it" for a stuck participant, then the other hosts see it live and participants\' streams do not', async () => {
    const r = await room();
    const helper = await apiUser(t.app, 'helper1');
    await t.store.commit([{ c: 'liveSessions', k: r.id, v: { ...t.store.get<{ helpers: string[] }>('liveSessions', r.id)!, helpers: [t.ports.users.byUsername('helper1')!.id] } }]);
    await join(r.alice, r.code);
    await join(r.bob, r.code);
    const hostStream = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    const bobStream = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.bob));
    await bobStream.next((e) => e.event === 'room');
    await request(t.app).post(`/api/sessions/${r.id}/stuck`).set(bearer(r.alice)).send({ note: 'vm will not boot' }).expect(200);
    const aliceId = t.ports.users.byUsername('alice')!.id;
    // Bob is a participant: he may not claim anyone.
    await request(t.app).post(`/api/sessions/${r.id}/stuck/${aliceId}/claim`).set(bearer(r.bob)).send({}).expect(403);
    const started = Date.now();
    const claimed = await request(t.app).post(`/api/sessions/${r.id}/stuck/${aliceId}/claim`).set(bearer(helper)).send({}).expect(200);
    expect(claimed.body.stuck.claimedBy).toMatchObject({ name: 'helper1' });
    const seen = await hostStream.next((e) => e.event === 'participant' && JSON.parse(e.data).stuck?.claimedBy?.name === 'helper1');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(JSON.parse(seen.data)).toMatchObject({ username: 'alice', stuck: { note: 'vm will not boot', claimedBy: { name: 'helper1' } } });
    await new Promise((res) => setTimeout(res, 100));
    expect(bobStream.events.some((e) => e.data.includes('claimedBy'))).toBe(false);
    // Someone who is not stuck cannot be claimed.
    await request(t.app).post(`/api/sessions/${r.id}/stuck/${t.ports.users.byUsername('bob')!.id}/claim`).set(bearer(helper)).send({}).expect(409);
  });

  it('when a client reconnects with Last-Event-ID, then it gets exactly the events it missed', async () => {
    const r = await room();
    await join(r.alice, r.code);
    const first = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    await request(t.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'one' }).expect(201);
    const one = await first.next((e) => e.event === 'announcement');
    first.close();
    await first.ended;
    await request(t.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'two' }).expect(201);
    await request(t.app).post(`/api/sessions/${r.id}/questions`).set(bearer(r.alice)).send({ text: 'three?' }).expect(201);

    const again = await sse(`/api/sessions/${r.id}/events`, { ...bearer(r.host), 'last-event-id': one.id! });
    await again.next((e) => e.event === 'question');
    const ids = again.events.map((e) => Number(e.id));
    expect(ids).toEqual([Number(one.id) + 1, Number(one.id) + 2]);
    expect(again.events.map((e) => e.event)).toEqual(['announcement', 'question']);
    expect(JSON.parse(again.events[1]!.data).byName).toBe('alice');

    // A participant replay skips what only the hosts see, and has no asker's name.
    const mine = await sse(`/api/sessions/${r.id}/my-events?since=0`, bearer(r.alice));
    await mine.next((e) => e.event === 'question');
    expect(mine.events.filter((e) => e.id).map((e) => e.event)).toEqual(['announcement', 'announcement', 'question']);
    expect(mine.events.find((e) => e.event === 'question')!.data).not.toContain('byName');
  });

  it('sends a heartbeat comment at the configured interval', async () => {
    await rebootWith({ heartbeatMs: 40 });
    const r = await room();
    const s = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    await within((async () => { while (s.comments.length < 2) await new Promise((x) => setTimeout(x, 10)); })(), 1000, 'two heartbeats');
    expect(s.comments[0]).toBe(': hb');
  });

  it('when a host is demoted, then their stream is closed (on the next event, and by the timer)', async () => {
    const r = await room();
    const s = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    const admin = await apiUser(t.app, 'boss');
    await t.ports.users.update({ ...t.ports.users.byUsername('boss')!, role: 'admin' });
    await t.ports.users.update({ ...t.ports.users.byUsername('host1')!, role: 'learner' });
    await request(t.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(admin)).send({ text: 'secret plan' }).expect(201);
    await within(s.ended, 1000, 'stream close');
    expect(s.events.some((e) => e.data.includes('secret plan'))).toBe(false);
    const back = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    expect(back.status).toBe(403);
  });

  it('when a host is demoted and nothing happens in the room, then the periodic check closes their stream', async () => {
    await rebootWith({ recheckMs: 50 });
    const r = await room();
    const admin = await apiUser(t.app, 'boss');
    await t.ports.users.update({ ...t.ports.users.byUsername('boss')!, role: 'admin' });
    const adminStream = await sse(`/api/sessions/${r.id}/events`, bearer(admin));
    expect(adminStream.status).toBe(200);
    await t.ports.users.update({ ...t.ports.users.byUsername('boss')!, role: 'learner' });
    await within(adminStream.ended, 1000, 'stream close by timer');
  });

  it('when a host signs out, then the stream opened with their cookie is closed at once (not at the next periodic check)', async () => {
    const r = await room();
    const login = await fetch(`${base}/login`);
    const pre = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const res = await fetch(`${base}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfFrom(await login.text()), username: 'host1', password: 'correct horse battery' }),
    });
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const s = await sse(`/api/sessions/${r.id}/events`, { cookie });
    expect(s.status).toBe(200);
    const pageRes = await fetch(`${base}/sessions`, { headers: { cookie } });
    const page = await pageRes.text();
    // The form's token comes with its cookie, as a browser would keep it.
    const withCsrf = [cookie, ...pageRes.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
    const out = await fetch(`${base}/logout`, {
      method: 'POST', redirect: 'manual', headers: { cookie: withCsrf, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfFrom(page) }),
    });
    expect(out.status).toBe(302);
    // The periodic check runs every 5 s here: closing within 1 s means the sign-out itself closed it.
    await within(s.ended, 1000, 'stream close after logout');
  });

  it('caps streams per user and in total with 429, and releases them when clients leave', async () => {
    await rebootWith({ perUser: 2, total: 3 });
    const r = await room();
    await join(r.alice, r.code);
    await join(r.bob, r.code);
    const a1 = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.alice));
    const a2 = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.alice));
    const a3 = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.alice));
    expect([a1.status, a2.status, a3.status]).toEqual([200, 200, 429]);
    const b1 = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.bob));
    const h1 = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    expect([b1.status, h1.status]).toEqual([200, 429]);
    const admin = await apiUser(t.app, 'boss');
    await t.ports.users.update({ ...t.ports.users.byUsername('boss')!, role: 'admin' });
    const streamCount = async () => (await request(t.app).get('/api/sessions/stats').set(bearer(admin)).expect(200)).body.streams as number;
    expect(await streamCount()).toBe(3);
    for (const s of [a1, a2, b1]) s.close();
    await within((async () => { while ((await streamCount()) > 0) await new Promise((x) => setTimeout(x, 10)); })(), 1000, 'release');
    await request(t.app).get('/api/sessions/stats').set(bearer(r.alice)).expect(403);
  });

  it('when the host ends the session, then streams get the status and close, and reconnects get 204', async () => {
    const r = await room();
    await join(r.alice, r.code);
    const mine = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.alice));
    await request(t.app).post(`/api/sessions/${r.id}/end`).set(bearer(r.host)).expect(200);
    const status = await mine.next((e) => e.event === 'status');
    expect(JSON.parse(status.data)).toEqual({ status: 'ended' });
    await within(mine.ended, 1000, 'close on end');
    const again = await sse(`/api/sessions/${r.id}/my-events`, bearer(r.alice));
    expect(again.status).toBe(204);
  });

  it('when a note carries SSE field syntax, then it arrives inside one JSON event and forges nothing', async () => {
    const r = await room();
    await join(r.alice, r.code);
    const s = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    const evil = 'x\n\nevent: admin\ndata: {"cmd":"reset"}\n\nid: 999\n\n<img src=x onerror=alert(1)>';
    await request(t.app).post(`/api/sessions/${r.id}/stuck`).set(bearer(r.alice)).send({ note: evil }).expect(200);
    const e = await s.next((x) => x.event === 'participant' && x.data.includes('onerror'));
    expect(JSON.parse(e.data).stuck.note).toBe(evil);
    await new Promise((x) => setTimeout(x, 50));
    expect(s.events.map((x) => x.event)).toEqual(['participant']);
    expect(s.events.some((x) => x.id === '999')).toBe(false);
  });

  it('when the server restarts mid-session, then a client reconnecting with Last-Event-ID catches up from the store', async () => {
    const r = await room();
    await join(r.alice, r.code);
    const s = await sse(`/api/sessions/${r.id}/events`, bearer(r.host));
    await request(t.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: 'before restart' }).expect(201);
    const seen = await s.next((e) => e.event === 'announcement');
    server.closeAllConnections();
    await new Promise((x) => server.close(x));
    await s.ended;
    t = await t.restart();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((x) => server.once('listening', x));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await request(t.app).post(`/api/sessions/${r.id}/questions`).set(bearer(r.alice)).send({ text: 'after restart?' }).expect(201);
    const again = await sse(`/api/sessions/${r.id}/events`, { ...bearer(r.host), 'last-event-id': seen.id! });
    const q = await again.next((e) => e.event === 'question');
    expect(Number(q.id)).toBe(Number(seen.id) + 1);
    expect(again.events).toHaveLength(1);
  });

  it('when a client missed more than can be replayed, then it is told to reset and reload the state', async () => {
    const r = await room();
    const t0 = Date.now();
    for (let i = 0; i < 1005; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, 1005 - i) }, (_, j) =>
        request(t.app).post(`/api/sessions/${r.id}/announcements`).set(bearer(r.host)).send({ text: `n${i + j}` }).expect(201)));
    }
    const s = await sse(`/api/sessions/${r.id}/events`, { ...bearer(r.host), 'last-event-id': '1' });
    const reset = await s.next((e) => e.event === 'reset');
    expect(JSON.parse(reset.data).lastEventId).toBe(1005);
    expect(s.events.filter((e) => e.event === 'announcement')).toHaveLength(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 30_000);

  it('when a session ended more than a week ago, then its catch-up events are pruned at start and its report stays', async () => {
    const r = await room();
    await join(r.alice, r.code);
    await request(t.app).post(`/api/sessions/${r.id}/end`).set(bearer(r.host)).expect(200);
    expect([...t.store.values<{ sessionId: string }>('liveEvents')].filter((e) => e.sessionId === r.id).length).toBeGreaterThan(0);
    const rec = t.store.get<{ endedAt: string }>('liveSessions', r.id)!;
    await t.store.commit([{ c: 'liveSessions', k: r.id, v: { ...rec, endedAt: new Date(Date.now() - 8 * 86_400_000).toISOString() } }]);
    server.closeAllConnections();
    await new Promise((x) => server.close(x));
    t = await t.restart();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((x) => server.once('listening', x));
    // The start-up sweep runs in the background: poll (bounded) rather than guess how long it takes.
    await vi.waitFor(() => expect([...t.store.values<{ sessionId: string }>('liveEvents')].filter((e) => e.sessionId === r.id)).toHaveLength(0), SETTLES);
    const report = await request(t.app).get(`/api/sessions/${r.id}/report`).set(bearer(r.host)).expect(200);
    expect(report.body.participants.map((p: { username: string }) => p.username)).toEqual(['alice']);
  });
});
