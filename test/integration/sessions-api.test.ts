import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, setRole, type TestApp } from '../support/app.ts';
import type { Role } from '../../src/auth/users-repository.ts';
import type { FaqPort } from '../../src/faq/faq-port.ts';
import { SETTLES } from '../support/eventually.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildApp();
});
afterEach(async () => {
  await t.close();
});

/** Starts the test over on an app whose live sessions talk to this FAQ instead of the real one. */
async function useFaq(faq: FaqPort) {
  await t.close();
  t = await buildApp({}, undefined, { faq });
}
const withRole = (username: string, role: Role) => setRole(t, username, role);
async function userWith(username: string, role: Role = 'learner') {
  const token = await apiUser(t.app, username);
  if (role !== 'learner') await withRole(username, role);
  return token;
}
const as = (token: string) => ({
  get: (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${token}`),
  post: (url: string, body: object = {}) => request(t.app).post(url).set('Authorization', `Bearer ${token}`).send(body),
  put: (url: string, body: object = {}) => request(t.app).put(url).set('Authorization', `Bearer ${token}`).send(body),
  del: (url: string) => request(t.app).delete(url).set('Authorization', `Bearer ${token}`),
});
const soon = () => new Date(Date.now() + 5 * 60_000).toISOString();
const body = (over: object = {}) => ({ workshop: 'demo-install', title: 'Install night', startsAt: soon(), durationMinutes: 90, capacity: 20, ...over });

async function liveSession(hostToken: string, over: object = {}) {
  const res = await as(hostToken).post('/api/sessions', body(over)).expect(201);
  return res.body as { id: string; code: string; joinUrl: string };
}

describe('scheduling', () => {
  it('when a host creates a session, then it gets an unambiguous code, a join link and a calendar file', async () => {
    const host = await userWith('hosta', 'host');
    const s = await liveSession(host);
    expect(s.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    expect(s.joinUrl).toBe(`http://127.0.0.1:3000/join/${s.code}`);
    const ics = await request(t.app).get(`/sessions/${s.id}/calendar.ics`).expect(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.text).toContain('BEGIN:VEVENT');
    expect(ics.text).toContain('SUMMARY:Install night');
    expect(ics.text).not.toContain(s.code);
    expect(t.store.get('liveSessions', s.id)).toMatchObject({ code: s.code, status: 'scheduled' });
  });

  it('when a learner or a visitor tries to create a session, then it is refused (403 / 401)', async () => {
    const learner = await userWith('plain');
    await as(learner).post('/api/sessions', body()).expect(403);
    const visitor = await request(t.app).post('/api/sessions').send(body());
    expect([401, 403]).toContain(visitor.status);
    expect(t.store.count('liveSessions')).toBe(0);
  });

  it('when the body has unknown fields, wrong types or too long text, then it is a 422 and nothing is stored', async () => {
    const host = await userWith('hostb', 'host');
    await as(host).post('/api/sessions', body({ role: 'admin' })).expect(422);
    await as(host).post('/api/sessions', body({ title: 'x'.repeat(500) })).expect(422);
    await as(host).post('/api/sessions', body({ capacity: '20' })).expect(422);
    await as(host).post('/api/sessions', body({ startsAt: 'tomorrow' })).expect(422);
    await as(host).post('/api/sessions', body({ workshop: '../etc' })).expect(422);
    const r = await as(host).post('/api/sessions', body({ coHosts: ['nobody'] })).expect(422);
    expect(r.body.error.details.coHosts).toContain('nobody');
    expect(t.store.count('liveSessions')).toBe(0);
  });

  it('when a host schedules weekly office hours, then each occurrence keeps the local wall time across a DST change', async () => {
    const host = await userWith('hostc', 'host');
    // 2026-10-20 16:00 in Berlin is 14:00 UTC (summer time); after 25 October it is 15:00 UTC.
    const res = await as(host).post('/api/sessions', body({ startsAt: '2026-10-20T16:00:00+02:00', timeZone: 'Europe/Berlin', weeklyCount: 3 })).expect(201);
    const starts = res.body.occurrences.map((o: { startsAt: string }) => o.startsAt);
    expect(starts).toEqual(['2026-10-20T14:00:00.000Z', '2026-10-27T15:00:00.000Z', '2026-11-03T15:00:00.000Z']);
    const codes = new Set(res.body.occurrences.map((o: { code: string }) => o.code));
    expect(codes.size).toBe(3);
  });

  it('lists upcoming sessions publicly, without their join codes', async () => {
    const host = await userWith('hostd', 'host');
    const s = await liveSession(host);
    const list = await request(t.app).get('/api/sessions').expect(200);
    expect(list.body.sessions).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(s.code);
    const page = await request(t.app).get('/sessions').expect(200);
    expect(page.text).toContain('Install night');
    expect(page.text).toMatch(/<time datetime="[^"]+" data-local-time>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/time>/);
  });
});

describe('joining', () => {
  it('when a learner joins with the code (any case, with a dash), then they are in the roster once', async () => {
    const host = await userWith('hoste', 'host');
    const s = await liveSession(host);
    const learner = await userWith('joiner');
    const messy = `${s.code.slice(0, 4).toLowerCase()}-${s.code.slice(4)}`;
    const first = await as(learner).post('/api/sessions/join', { code: messy }).expect(201);
    expect(first.body.participant).toMatchObject({ username: 'joiner', currentStep: 'prepare', stepsDone: [] });
    await as(learner).post('/api/sessions/join', { code: s.code }).expect(200);
    expect(t.store.count('participants')).toBe(1);
  });

  it('when a room fills up, then each participant who opens it costs a look at their own record, not a parse of the whole roster', async () => {
    const host = await userWith('hostr', 'host');
    const s = await liveSession(host, { capacity: 50 });
    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => userWith(`roomie${i}`)));
    for (const p of people) await as(p).post('/api/sessions/join', { code: s.code }).expect(201);
    const parses = vi.spyOn(t.store, 'get');
    for (const p of people) {
      const state = await as(p).get(`/api/sessions/${s.id}/state`).expect(200);
      expect(state.body.room.participants).toBe(12);
    }
    // Before: every state read parsed each participant twice (12 × 24 parses); a room of 500 joining
    // parsed 250,000 records. The roster is now read from records parsed once per change.
    const rosterParses = parses.mock.calls.filter(([c]) => c === 'participants').length;
    parses.mockRestore();
    expect(rosterParses).toBeLessThanOrEqual(people.length);
  });

  it('when the code is wrong, then 404; when the session is full or ended, then 409', async () => {
    const host = await userWith('hostf', 'host');
    const s = await liveSession(host, { capacity: 1 });
    const a = await userWith('first');
    const b = await userWith('second');
    await as(a).post('/api/sessions/join', { code: 'ABCDEFGH' }).expect(404);
    await as(a).post('/api/sessions/join', { code: s.code }).expect(201);
    await as(b).post('/api/sessions/join', { code: s.code }).expect(409);
    const other = await liveSession(host);
    await as(host).post(`/api/sessions/${other.id}/end`).expect(200);
    await as(b).post('/api/sessions/join', { code: other.code }).expect(409);
  });

  it('when someone guesses codes, then wrong attempts are rate limited while a right code still counts as success', async () => {
    const limited = await buildApp({ RATE_LIMIT_JOIN: '3' });
    try {
      const host = await apiUser(limited.app, 'hostg');
      const u = limited.ports.users.byUsername('hostg')!;
      await limited.ports.users.update({ ...u, role: 'host' });
      const s = (await request(limited.app).post('/api/sessions').set('Authorization', `Bearer ${host}`).send(body()).expect(201)).body;
      const guesser = await apiUser(limited.app, 'guesser');
      const join = (code: string) => request(limited.app).post('/api/sessions/join').set('Authorization', `Bearer ${guesser}`).send({ code });
      // Right codes do not use up the allowance (a classroom behind one address).
      for (let i = 0; i < 5; i++) await join(s.code).expect(i === 0 ? 201 : 200);
      for (const code of ['AAAAAAAA', 'BBBBBBBB', 'CCCCCCCC']) await join(code).expect(404);
      const blocked = await join('DDDDDDDD').expect(429);
      expect(blocked.body.error.code).toBe('rate_limited');
      await join(s.code).expect(429);
    } finally {
      await limited.close();
    }
  });

  it('when a visitor follows a join link, then they are sent to sign in and come back to the link', async () => {
    const host = await userWith('hosth', 'host');
    const s = await liveSession(host);
    const res = await request(t.app).get(`/join/${s.code}`).expect(302);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/join/${s.code}`)}`);
    const login = await request(t.app).get(res.headers.location!).expect(200);
    expect(login.text).toContain(`value="/join/${s.code}"`);
  });
});

describe('role boundaries', () => {
  async function room() {
    const host = await userWith('host1', 'host');
    const cohost = await userWith('host2', 'host');
    const helper = await userWith('helper1');
    const s = await liveSession(host, { coHosts: ['host2'], helpers: ['helper1'] });
    const alice = await userWith('alice');
    const bob = await userWith('bob');
    const stranger = await userWith('stranger');
    await as(alice).post('/api/sessions/join', { code: s.code }).expect(201);
    await as(bob).post('/api/sessions/join', { code: s.code }).expect(201);
    return { s, host, cohost, helper, alice, bob, stranger };
  }

  it('when a participant raises "I\'m stuck", then hosts see the note but other participants only see counts', async () => {
    const { s, host, alice, bob } = await room();
    await as(alice).post(`/api/sessions/${s.id}/stuck`, { note: 'secret-error: kubectl refused' }).expect(200);
    const hostView = await as(host).get(`/api/sessions/${s.id}/state`).expect(200);
    expect(hostView.body.participants.find((p: { username: string }) => p.username === 'alice').stuck.note).toContain('secret-error');
    expect(hostView.body.stuckByStep[0]).toMatchObject({ id: 'prepare', people: [{ username: 'alice' }] });
    const bobView = await as(bob).get(`/api/sessions/${s.id}/state`).expect(200);
    expect(JSON.stringify(bobView.body)).not.toContain('secret-error');
    expect(JSON.stringify(bobView.body)).not.toContain('alice');
    expect(bobView.body.room).toMatchObject({ participants: 2, stuck: 1 });
    expect(bobView.body.me.username).toBe('bob');
    expect(bobView.body).not.toHaveProperty('participants');
  });

  it('only hosts, helpers and admins see the dashboard data and the report', async () => {
    const { s, host, cohost, helper, alice, stranger } = await room();
    const admin = await userWith('root', 'admin');
    for (const tok of [host, cohost, helper, admin]) {
      await as(tok).get(`/api/sessions/${s.id}/report`).expect(200);
      expect((await as(tok).get(`/api/sessions/${s.id}/state`).expect(200)).body).toHaveProperty('participants');
    }
    await as(alice).get(`/api/sessions/${s.id}/report`).expect(403);
    await as(stranger).get(`/api/sessions/${s.id}/report`).expect(403);
    await as(stranger).get(`/api/sessions/${s.id}/state`).expect(403);
    await request(t.app).get(`/api/sessions/${s.id}/state`).expect(401);
    await as(alice).get(`/api/sessions/${s.id}/events`).expect(403);
    await as(stranger).get(`/api/sessions/${s.id}/my-events`).expect(403);
  });

  it('only hosts run the session; helpers answer questions; participants ask and vote', async () => {
    const { s, host, helper, alice, bob, stranger } = await room();
    await as(alice).post(`/api/sessions/${s.id}/announcements`, { text: 'I am the host now' }).expect(403);
    await as(helper).post(`/api/sessions/${s.id}/announcements`, { text: 'Helpers do not announce' }).expect(403);
    await as(alice).put(`/api/sessions/${s.id}/room-step`, { step: 'unlock' }).expect(403);
    await as(alice).post(`/api/sessions/${s.id}/end`).expect(403);
    await as(helper).post(`/api/sessions/${s.id}/end`).expect(403);
    await as(stranger).post(`/api/sessions/${s.id}/questions`, { text: 'Can I ask?' }).expect(403);

    const q = (await as(alice).post(`/api/sessions/${s.id}/questions`, { text: 'Why is the host locked?' }).expect(201)).body;
    await as(alice).post(`/api/sessions/${s.id}/questions/${q.id}/votes`).expect(409);
    await as(bob).post(`/api/sessions/${s.id}/questions/${q.id}/votes`).expect(200);
    await as(bob).post(`/api/sessions/${s.id}/questions/${q.id}/votes`).expect(200);
    await as(bob).post(`/api/sessions/${s.id}/questions/${q.id}/answer`, { answer: 'me' }).expect(403);
    await as(helper).post(`/api/sessions/${s.id}/questions/${q.id}/answer`, { answer: 'Run system host-unlock.' }).expect(200);
    await as(host).post(`/api/sessions/${s.id}/questions/${q.id}/pin`, { pinned: true }).expect(200);
    const state = (await as(bob).get(`/api/sessions/${s.id}/state`).expect(200)).body;
    expect(state.questions[0]).toMatchObject({ votes: 1, answered: true, answer: 'Run system host-unlock.', pinned: true, votedByMe: true });
    expect(state.questions[0]).not.toHaveProperty('byName');

    await as(host).post(`/api/sessions/${s.id}/announcements`, { text: 'Break in 5 minutes' }).expect(201);
    await as(host).put(`/api/sessions/${s.id}/room-step`, { step: 'unlock' }).expect(200);
    await as(host).put(`/api/sessions/${s.id}/room-step`, { step: 'nope' }).expect(422);
    expect(t.store.get<{ roomStep: string }>('liveSessions', s.id)!.roomStep).toBe('unlock');
  });

  it('when a host is demoted, then the session is no longer theirs to run or see', async () => {
    const { s, host } = await room();
    await withRole('host1', 'learner');
    await as(host).get(`/api/sessions/${s.id}/state`).expect(403);
    await as(host).post(`/api/sessions/${s.id}/announcements`, { text: 'still here?' }).expect(403);
  });

  it('when a participant tries a pasted error over 4 KB or extra fields, then it is refused', async () => {
    const { s, alice } = await room();
    await as(alice).post(`/api/sessions/${s.id}/stuck`, { note: 'é'.repeat(2100) }).expect(422);
    await as(alice).post(`/api/sessions/${s.id}/stuck`, { note: 'x', __proto__: { admin: true }, extra: 1 }).expect(422);
    await as(alice).post(`/api/sessions/${s.id}/questions`, { text: 'q'.repeat(501) }).expect(422);
  });
});

describe('progress, report and FAQ drafts', () => {
  it('when participants write progress through the API, then the room, the report and the CSV follow', async () => {
    const host = await userWith('hostp', 'host');
    const s = await liveSession(host);
    const alice = await userWith('alice');
    const bob = await userWith('bob');
    await as(alice).post('/api/sessions/join', { code: s.code }).expect(201);
    await as(bob).post('/api/sessions/join', { code: s.code }).expect(201);
    await as(alice).put('/api/me/progress/demo-install/prepare', { done: true }).expect(200);
    await as(alice).put('/api/me/progress/demo-install/unlock', { done: true }).expect(200);
    await as(bob).put('/api/me/progress/demo-install/prepare', { done: true }).expect(200);
    await as(bob).post(`/api/sessions/${s.id}/stuck`, { note: 'unlock fails' }).expect(200);
    const state = await vi.waitFor(async () => {
      const body = (await as(host).get(`/api/sessions/${s.id}/state`).expect(200)).body;
      expect(body.participants.find((p: { username: string }) => p.username === 'alice')).toMatchObject({ currentStep: 'verify', stepsDone: ['prepare', 'unlock'] });
      expect(body.participants.find((p: { username: string }) => p.username === 'bob')).toMatchObject({ stuck: expect.anything() });
      return body;
    }, SETTLES);
    expect(state.room.steps.map((x: { here: number }) => x.here)).toEqual([0, 1, 1]);

    const report = (await as(host).get(`/api/sessions/${s.id}/report`).expect(200)).body;
    expect(report.steps.map((x: { done: number }) => x.done)).toEqual([2, 1, 0]);
    expect(report.steps[1]).toMatchObject({ id: 'unlock', reached: 2, stuck: 1 });
    expect(report.steps[0].medianMinutes).toEqual(expect.any(Number));
    expect(report.steps[0].medianMinutes).toBeLessThan(5);
    expect(report.participants.map((p: { username: string }) => p.username)).toEqual(['alice', 'bob']);
  });

  it('when a host turns an answered question into an FAQ draft, then the FAQ gets it once with the session as its source', async () => {
    const drafts: unknown[] = [];
    await useFaq({
      matchLog: () => [{ id: 'host-stays-locked', title: 'The host stays locked', tier: 'match' as const }],
      whenIndexed: async () => {},
      createDraft: async (input) => {
        drafts.push(input);
        return { id: `draft-${drafts.length}` };
      },
    });
    const host = await userWith('hostq', 'host');
    const s = await liveSession(host);
    const alice = await userWith('alice');
    await as(alice).post('/api/sessions/join', { code: s.code }).expect(201);
    const stuck = await as(alice).post(`/api/sessions/${s.id}/stuck`, { note: 'Error: host is locked' }).expect(200);
    expect(stuck.body.stuck.matches).toEqual([{ id: 'host-stays-locked', title: 'The host stays locked' }]);
    const q = (await as(alice).post(`/api/sessions/${s.id}/questions`, { text: 'Why does unlock hang?' }).expect(201)).body;
    await as(host).post(`/api/sessions/${s.id}/questions/${q.id}/answer`, { answer: 'Wait for the alarms to clear.' }).expect(200);
    await as(alice).post(`/api/sessions/${s.id}/questions/${q.id}/faq-draft`).expect(403);
    const first = await as(host).post(`/api/sessions/${s.id}/questions/${q.id}/faq-draft`).expect(201);
    expect(first.body).toEqual({ id: 'draft-1', created: true });
    await as(host).post(`/api/sessions/${s.id}/questions/${q.id}/faq-draft`).expect(200);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      title: 'Why does unlock hang?',
      fix: 'Wait for the alarms to clear.',
      origin: expect.stringContaining('Live session: Install night'),
      sources: [`http://127.0.0.1:3000/sessions/${s.id}`],
    });
  });

  it('when the server restarts mid-session, then the roster, questions and event ids are all still there', async () => {
    const host = await userWith('hostr', 'host');
    const s = await liveSession(host);
    const alice = await userWith('alice');
    await as(alice).post('/api/sessions/join', { code: s.code }).expect(201);
    await as(alice).post(`/api/sessions/${s.id}/questions`, { text: 'Still there after restart?' }).expect(201);
    const before = (await as(host).get(`/api/sessions/${s.id}/state`).expect(200)).body;
    t = await t.restart();
    const after = (await as(host).get(`/api/sessions/${s.id}/state`).expect(200)).body;
    expect(after.participants).toEqual(before.participants);
    expect(after.questions).toEqual(before.questions);
    expect(after.lastEventId).toBe(before.lastEventId);
    await as(host).post(`/api/sessions/${s.id}/announcements`, { text: 'Back' }).expect(201);
    expect((await as(host).get(`/api/sessions/${s.id}/state`)).body.lastEventId).toBe(before.lastEventId + 1);
  });
});
