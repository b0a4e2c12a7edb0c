import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, signUp, csrfFrom, setRole, type TestApp } from '../support/app.ts';

type Agent = Awaited<ReturnType<typeof signUp>>;
let t: TestApp;
let h: Agent;
beforeAll(async () => {
  t = await buildApp();
  await signUp(t.app, 'safe-host');
  await setRole(t, 'safe-host', 'host');
  h = request.agent(t.app);
  const login = await h.get('/login');
  await h.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'safe-host', password: 'correct horse battery' }).expect(302);
});
afterAll(() => t.close());

async function post(agent: Agent, page: string, url: string, form: Record<string, string>) {
  const html = (await agent.get(page)).text;
  return agent.post(url).type('form').send({ _csrf: csrfFrom(html), ...form });
}

async function schedule(extra: Record<string, string> = {}, startsAt = new Date()) {
  const iso = startsAt.toISOString();
  const res = await post(h, '/sessions/new', '/sessions/new', {
    workshop: 'demo-install', title: 'Safe install night', date: iso.slice(0, 10), time: iso.slice(11, 16), timeZone: 'UTC',
    durationMinutes: '90', capacity: '10', occurrences: '1', coHosts: '', helpers: '', ...extra,
  });
  expect(res.status).toBe(303);
  const id = /\/sessions\/([0-9a-f-]{36})$/.exec(res.headers.location!)![1]!;
  return { id, code: t.store.get<{ code: string }>('liveSessions', id)!.code };
}

async function joinAs(name: string, code: string) {
  const p = await signUp(t.app, name);
  return { agent: p, res: await post(p, `/join/${code}`, '/join', { code }) };
}

describe('scheduling', () => {
  it('when a host gives a description and a video-call link, then the session page shows them (the link to those in it) and the .ics carries the join link and code', async () => {
    const bad = await post(h, '/sessions/new', '/sessions/new', {
      workshop: 'demo-install', title: 'Call night', date: '2027-03-01', time: '18:00', timeZone: 'UTC', durationMinutes: '60', capacity: '10',
      occurrences: '1', coHosts: '', helpers: '', callUrl: 'http://meet.example.org/x', description: 'Bring a laptop.',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="callUrl-error">The video-call link must be an https:// address.');
    expect(bad.text).toContain('Bring a laptop.</textarea>');

    const s = await schedule({ callUrl: 'https://meet.example.org/onramp', description: 'Bring a laptop.\nWe start with the networks.' }, new Date(Date.now() + 7 * 86_400_000));
    const page = await h.get(`/sessions/${s.id}`).expect(200);
    expect(page.text).toContain('<p class="session-description">Bring a laptop.\nWe start with the networks.</p>');
    expect(page.text).toContain('<a href="https://meet.example.org/onramp" rel="noopener noreferrer">');
    const stranger = await request(t.app).get(`/sessions/${s.id}`).expect(200);
    expect(stranger.text).toContain('Bring a laptop.');
    expect(stranger.text).not.toContain('meet.example.org');

    const ics = (await h.get(`/sessions/${s.id}/calendar.ics`).expect(200)).text.replace(/\r\n[ \t]/g, '');
    expect(ics).toContain(`Join: http://127.0.0.1:3000/join/${s.code}`);
    expect(ics).toContain(`Join code: ${s.code.slice(0, 4)}-${s.code.slice(4)}`);
    expect(ics).toContain('Video call: https://meet.example.org/onramp');
    const publicIcs = (await request(t.app).get(`/sessions/${s.id}/calendar.ics`).expect(200)).text;
    expect(publicIcs).not.toContain(s.code);
  });
});

describe('joining', () => {
  it('when a participant joins a live session, then they land on the step the room is on', async () => {
    const s = await schedule();
    const { res: first } = await joinAs('lander-1', s.code);
    // No room step set yet: where they are in the workshop (the first step not done).
    expect(first.headers.location).toBe('/workshops/demo-install/steps/prepare#live-session');
    await post(h, `/sessions/${s.id}/host`, `/sessions/${s.id}/host/room-step`, { step: 'unlock' }).then((r) => expect(r.status).toBe(303));
    const { agent, res } = await joinAs('lander-2', s.code);
    expect(res.headers.location).toBe('/workshops/demo-install/steps/unlock#live-session');
    const step = await agent.get('/workshops/demo-install/steps/unlock').expect(200);
    expect(step.text).toContain('This is the step the room is on.');
    expect(step.text).toContain('id="live-session"');
  });

  it('when a participant joins a session that has not started, then they land on its page', async () => {
    const s = await schedule({}, new Date(Date.now() + 3 * 86_400_000));
    const { res } = await joinAs('early-bird', s.code);
    expect(res.headers.location).toBe(`/sessions/${s.id}`);
  });
});

describe('stuck cards', () => {
  it('when someone raises a hand, then the dashboard says for how long and a helper can take it; the participant sees who is coming', async () => {
    const s = await schedule();
    const { agent: p } = await joinAs('stuck-sam', s.code);
    await post(p, '/workshops/demo-install/steps/prepare', `/sessions/${s.id}/stuck`, { step: 'prepare', note: 'virsh says the domain is not running' });
    let dash = await h.get(`/sessions/${s.id}/host`).expect(200);
    const card = dash.text.slice(dash.text.indexOf('class="stuck-card"'), dash.text.indexOf('</li>', dash.text.indexOf('class="stuck-card"')));
    expect(card).toMatch(/stuck for <time data-since-time="[^"]+" datetime="[^"]+">0 min<\/time>/);
    expect(card).toContain("I'm on it: help stuck-sam");
    const samId = t.ports.users.byUsername('stuck-sam')!.id;
    await post(h, `/sessions/${s.id}/host`, `/sessions/${s.id}/host/stuck/${samId}/claim`, {}).then((r) => expect(r.headers.location).toBe(`/sessions/${s.id}/host`));
    dash = await h.get(`/sessions/${s.id}/host`);
    expect(dash.text).toContain('<p class="claimed"><strong>safe-host</strong> is on it.</p>');
    const step = await p.get('/workshops/demo-install/steps/prepare?help=open').expect(200);
    expect(step.text).toContain('<strong>safe-host</strong> is on the way to help you.');
    // A participant cannot claim anyone.
    await post(p, `/sessions/${s.id}`, `/sessions/${s.id}/host/stuck/${samId}/claim`, {}).then((r) => expect(r.status).toBe(403));
  });
});

describe('ending a session', () => {
  it('when the host ends it, then a confirmation page asks first; afterwards participants see no live controls', async () => {
    const s = await schedule();
    const { agent: p } = await joinAs('ender-pat', s.code);
    await post(p, '/workshops/demo-install/steps/prepare', `/sessions/${s.id}/stuck`, { step: 'prepare', note: '' });
    const dash = await h.get(`/sessions/${s.id}/host`);
    expect(dash.text).toContain(`<a class="button small danger" href="/sessions/${s.id}/host/end" id="end-session">End the session…</a>`);
    const confirm = await h.get(`/sessions/${s.id}/host/end`).expect(200);
    expect(confirm.text).toContain('End “Safe install night” now?');
    expect(confirm.text).toContain('1 participant in the room, 1 of them stuck right now');
    // Without the confirmation, nothing ends.
    const stray = await h.post(`/sessions/${s.id}/host/end`).type('form').send({ _csrf: csrfFrom(confirm.text) }).expect(303);
    expect(stray.headers.location).toBe(`/sessions/${s.id}/host/end`);
    expect(t.store.get<{ status: string }>('liveSessions', s.id)!.status).not.toBe('ended');
    await p.get(`/sessions/${s.id}/host/end`).expect(403);

    const ended = await h.post(`/sessions/${s.id}/host/end`).type('form').send({ _csrf: csrfFrom(confirm.text), confirm: 'yes' }).expect(303);
    expect(ended.headers.location).toBe(`/sessions/${s.id}/report`);
    expect(t.store.get<{ status: string }>('liveSessions', s.id)!.status).toBe('ended');

    const page = await p.get(`/sessions/${s.id}`).expect(200);
    expect(page.text).not.toContain('/unstuck');
    expect(page.text).not.toContain('class="ask-form"');
    expect(page.text).not.toMatch(/action="[^"]*\/vote"/);
    const step = await p.get('/workshops/demo-install/steps/prepare').expect(200);
    expect(step.text).not.toContain('id="live-session"');
    expect(step.text).not.toContain(`/sessions/${s.id}/stuck`);
    expect(step.text).toContain('<textarea id="stuck-q"');
  });
});
