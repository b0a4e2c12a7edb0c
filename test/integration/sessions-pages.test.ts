import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import request from 'supertest';
import { buildApp, signUp, csrfFrom, type TestApp } from '../support/app.ts';
import { SETTLES } from '../support/eventually.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildApp();
});
afterEach(async () => {
  await t.close();
});

async function host(name = 'hoster') {
  const agent = await signUp(t.app, name);
  const u = t.ports.users.byUsername(name)!;
  await t.ports.users.update({ ...u, role: 'host' });
  return agent;
}
type Agent = Awaited<ReturnType<typeof signUp>>;
async function post(agent: Agent, page: string, url: string, form: Record<string, string>) {
  const html = (await agent.get(page)).text;
  return agent.post(url).type('form').send({ _csrf: csrfFrom(html), ...form });
}
const today = () => new Date().toISOString();

async function scheduleNow(agent: Agent, extra: Record<string, string> = {}) {
  const now = today();
  const res = await post(agent, '/sessions/new', '/sessions/new', {
    workshop: 'demo-install', title: 'Evening install', date: now.slice(0, 10), time: now.slice(11, 16), timeZone: 'UTC',
    durationMinutes: '90', capacity: '10', occurrences: '1', coHosts: '', helpers: '', ...extra,
  });
  expect(res.status).toBe(303);
  const id = /\/sessions\/([0-9a-f-]{36})$/.exec(res.headers.location!)![1]!;
  return { id, code: t.store.get<{ code: string }>('liveSessions', id)!.code };
}

describe('session pages', () => {
  it('when a visitor or a learner opens the scheduling form, then they are sent to sign in or refused', async () => {
    const visitor = await request(t.app).get('/sessions/new').expect(302);
    expect(visitor.headers.location).toBe('/login?next=%2Fsessions%2Fnew');
    const learner = await signUp(t.app, 'learner1');
    await learner.get('/sessions/new').expect(403);
  });

  it('when a host schedules with a time zone, then the start is stored in UTC and shown in UTC without JavaScript', async () => {
    const h = await host();
    const res = await post(h, '/sessions/new', '/sessions/new', {
      workshop: 'demo-install', title: 'Berlin evening', date: '2027-01-12', time: '18:30', timeZone: '+01:00',
      durationMinutes: '60', capacity: '12', occurrences: '1', coHosts: '', helpers: '',
    });
    expect(res.status).toBe(303);
    const s = [...t.store.values<{ startsAt: string; id: string }>('liveSessions')][0]!;
    expect(s.startsAt).toBe('2027-01-12T17:30:00.000Z');
    const page = await h.get(res.headers.location!).expect(200);
    expect(page.text).toContain('2027-01-12 17:30 UTC');
    expect(page.text).toContain('/calendar.ics');
  });

  it('when the form has errors, then it comes back (422) with the input and a message per field', async () => {
    const h = await host();
    const res = await post(h, '/sessions/new', '/sessions/new', {
      workshop: 'demo-install', title: '<b>x', date: 'soon', time: '25:00', timeZone: 'Mars/Olympus',
      durationMinutes: '5', capacity: '10', occurrences: '1', coHosts: 'ghost', helpers: '',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="&lt;b&gt;x"');
    expect(res.text).toContain('Pick a date.');
    expect(res.text).toContain('Use UTC, an offset');
    const withGhost = await post(h, '/sessions/new', '/sessions/new', {
      workshop: 'demo-install', title: 'Fine title', date: '2027-01-12', time: '10:00', timeZone: 'UTC',
      durationMinutes: '60', capacity: '10', occurrences: '1', coHosts: 'ghost', helpers: '',
    });
    expect(withGhost.status).toBe(422);
    expect(withGhost.text).toContain('There is no account named ghost.');
    expect(t.store.count('liveSessions')).toBe(0);
  });

  it('a participant joins with the code, sees the session bar on step pages, raises a hand, and is done with a step', async () => {
    const h = await host();
    const s = await scheduleNow(h);
    const alice = await signUp(t.app, 'alice');
    const visitorView = await request(t.app).get(`/sessions/${s.id}`).expect(200);
    expect(visitorView.text).not.toContain(s.code);
    expect(visitorView.text).toContain('Join this session');

    const wrong = await post(alice, '/join', '/join', { code: 'ZZZZ-ZZZZ' });
    expect(wrong.status).toBe(404);
    expect(wrong.text).toContain('No session has that code');
    const confirm = await alice.get(`/join/${s.code}`).expect(200);
    expect(confirm.text).toContain('Evening install');
    const joined = await alice.post('/join').type('form').send({ _csrf: csrfFrom(confirm.text), code: s.code });
    expect(joined.status).toBe(303);
    // The session is under way: the participant lands on the step (the room has none set: theirs).
    expect(joined.headers.location).toBe('/workshops/demo-install/steps/prepare#live-session');

    const step = await alice.get('/workshops/demo-install/steps/prepare').expect(200);
    expect(step.text).toContain('id="live-session"');
    expect(step.text).toContain("I'm done with this step");
    const stuck = await alice.post(`/sessions/${s.id}/stuck`).type('form').send({ _csrf: csrfFrom(step.text), step: 'prepare', note: '<img src=x onerror=alert(1)>' });
    expect(stuck.status).toBe(303);
    expect(stuck.headers.location).toBe('/workshops/demo-install/steps/prepare?help=open#stuck');
    // One control: the raised hand and what the note matched, in the "I'm stuck" panel, open.
    const after = await alice.get(stuck.headers.location!).expect(200);
    expect(after.text).toContain('<details class="help-panel" id="stuck" open>');
    expect(after.text).toContain('<summary id="stuck-title">Your hand is raised</summary>');
    expect(after.text).toContain("I'm no longer stuck");

    const dashboard = await h.get(`/sessions/${s.id}/host`).expect(200);
    expect(dashboard.text).toContain('alice');
    expect(dashboard.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(dashboard.text).not.toContain('<img src=x');

    const done = await alice.post('/workshops/demo-install/steps/prepare/progress').type('form').send({ _csrf: csrfFrom(after.text), done: '1' });
    expect(done.status).toBe(303);
    const participant = () => t.store.get<{ stepsDone: string[]; currentStep: string; stuck?: unknown }>('participants', `${s.id}~${t.ports.users.byUsername('alice')!.id}`)!;
    await vi.waitFor(() => expect(participant()).toMatchObject({ stepsDone: ['prepare'], currentStep: 'unlock' }), SETTLES);
    const p = participant();
    expect(p.stuck).toBeUndefined();

    const outsider = await signUp(t.app, 'outsider');
    const plain = await outsider.get('/workshops/demo-install/steps/prepare').expect(200);
    expect(plain.text).not.toContain('id="live-session"');
  });

  it('when a participant reads step pages and saves progress in a live session, then their record is copied only to be changed', async () => {
    const h = await host();
    const s = await scheduleNow(h);
    const bob = await signUp(t.app, 'bob');
    const confirm = await bob.get(`/join/${s.code}`).expect(200);
    await bob.post('/join').type('form').send({ _csrf: csrfFrom(confirm.text), code: s.code }).expect(303);
    const copies = vi.spyOn(t.store, 'get');
    const copiesOfParticipants = () => copies.mock.calls.filter(([c]) => c === 'participants').length;
    let page = '';
    for (const step of ['prepare', 'unlock', 'prepare']) {
      page = (await bob.get(`/workshops/demo-install/steps/${step}`).expect(200)).text;
      expect(page).toContain('id="live-session"');
    }
    // The session bar and the access check read the shared record (before: two copies per page).
    expect(copiesOfParticipants()).toBe(0);
    await bob.post('/workshops/demo-install/steps/prepare/progress').type('form').send({ _csrf: csrfFrom(page), done: '1' }).expect(303);
    const participant = () => t.store.peek<{ stepsDone: string[] }>('participants', `${s.id}~${t.ports.users.byUsername('bob')!.id}`)!;
    await vi.waitFor(() => expect(participant().stepsDone).toEqual(['prepare']), SETTLES);
    // The write copies the record it changes, once (before: once more to see whether bob takes part).
    expect(copiesOfParticipants()).toBe(1);
    copies.mockRestore();
  });

  it('participants ask and up-vote questions with forms; the host answers, pins, announces, sets the step and ends', async () => {
    const h = await host();
    const s = await scheduleNow(h);
    const alice = await signUp(t.app, 'alice');
    const bob = await signUp(t.app, 'bob');
    for (const a of [alice, bob]) expect((await post(a, '/join', '/join', { code: s.code })).status).toBe(303);

    expect((await post(alice, `/sessions/${s.id}`, `/sessions/${s.id}/questions`, { text: 'Which ISO do I use?' })).status).toBe(303);
    // A question is a record of its own: asking (and later voting) does not rewrite the session.
    const q = [...t.store.values<{ id: string; sessionId: string; text: string }>('liveQuestions')].find((x) => x.sessionId === s.id)!;
    expect(q.text).toBe('Which ISO do I use?');
    const sessionBefore = JSON.stringify(t.store.get('liveSessions', s.id));
    const bobPage = await bob.get(`/sessions/${s.id}`).expect(200);
    expect(bobPage.text).toContain('Which ISO do I use?');
    expect(bobPage.text).not.toContain('alice');
    expect((await bob.post(`/sessions/${s.id}/questions/${q.id}/vote`).type('form').send({ _csrf: csrfFrom(bobPage.text), on: '1' })).status).toBe(303);
    expect(t.store.get('liveVotes', `${s.id}~${q.id}~${t.ports.users.byUsername('bob')!.id}`)).toBeDefined();
    expect(JSON.stringify(t.store.get('liveSessions', s.id))).toBe(sessionBefore);

    const dash = `/sessions/${s.id}/host`;
    expect((await post(h, dash, `${dash}/questions/${q.id}/answer`, { answer: 'The 9.0 ISO.' })).status).toBe(303);
    expect((await post(h, dash, `${dash}/questions/${q.id}/pin`, { pinned: '1' })).status).toBe(303);
    expect((await post(h, dash, `${dash}/announcements`, { text: 'Start step 2 now' })).status).toBe(303);
    expect((await post(h, dash, `${dash}/room-step`, { step: 'unlock' })).status).toBe(303);
    const hostPage = await h.get(dash).expect(200);
    expect(hostPage.text).toContain('The 9.0 ISO.');
    expect(hostPage.text).toContain('asked by alice');
    expect(hostPage.text).toContain('Start step 2 now');

    const bar = await bob.get('/workshops/demo-install/steps/prepare').expect(200);
    expect(bar.text).toContain('Start step 2 now');
    expect(bar.text).toMatch(/The room is on <a href="\/workshops\/demo-install\/steps\/unlock">Unlock the controller<\/a>/);

    // Participants cannot reach the dashboard, its forms, or the report.
    await alice.get(dash).expect(403);
    await alice.get(`/sessions/${s.id}/report`).expect(403);
    await alice.get(`/sessions/${s.id}/report.csv`).expect(403);
    const refused = await post(alice, `/sessions/${s.id}`, `${dash}/end`, {});
    expect(refused.status).toBe(403);

    const ended = await post(h, dash, `${dash}/end`, { confirm: 'yes' });
    expect(ended.headers.location).toBe(`/sessions/${s.id}/report`);
    const report = await h.get(`/sessions/${s.id}/report`).expect(200);
    expect(report.text).toContain('alice');
    expect(report.text).toContain('bob');
    expect(report.text).toContain('1 question(s) asked, 1 answered');
    const csv = await h.get(`/sessions/${s.id}/report.csv`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    expect(csv.text.split('\r\n')[0]).toBe('step_number,step_id,step_title,reached,done,median_minutes,stuck');
    expect(csv.text).toContain('1,prepare,Prepare the host,2,0,,0');
    const people = await h.get(`/sessions/${s.id}/report.csv?table=participants`).expect(200);
    expect(people.text).toContain('alice,');

    // One click: the question and its answer become a draft in the FAQ review queue.
    const drafted = await post(h, `/sessions/${s.id}/report`, `/sessions/${s.id}/report/questions/${q.id}/faq-draft`, {});
    expect(drafted.headers.location).toBe(`/sessions/${s.id}/report`);
    const afterDraft = await h.get(`/sessions/${s.id}/report`).expect(200);
    expect(afterDraft.text).toContain('An FAQ draft is in the review queue.');
    expect(afterDraft.text).toContain('An FAQ draft was made from this question.');
    const draftId = t.store.get<{ faqDraftId?: string }>('liveQuestions', `${s.id}~${q.id}`)!.faqDraftId!;
    expect(t.store.get<{ status: string; origin?: string }>('faq', draftId)).toMatchObject({ status: 'draft', origin: expect.stringContaining('Live session: Evening install') });
    // The bar disappears once the session has ended.
    const afterEnd = await bob.get('/workshops/demo-install/steps/prepare').expect(200);
    expect(afterEnd.text).not.toContain('id="live-session"');
  });

  it('lists upcoming sessions and office-hour series on /sessions', async () => {
    const h = await host();
    await scheduleNow(h, { title: 'Weekly office hours', occurrences: '3' });
    const list = await request(t.app).get('/sessions').expect(200);
    expect(list.text.match(/Weekly office hours/g)).toHaveLength(3);
    expect(list.text).toContain('office hours · weekly, 1 of 3');
  });

  it('when office hours are scheduled, then the office-hours guide lists them with a calendar file each; with none, it says so and where to look', async () => {
    const empty = await request(t.app).get('/guides/office-hours').expect(200);
    expect(empty.text).toContain('No session is scheduled right now.');
    const h = await host();
    const { id } = await scheduleNow(h, { title: 'Weekly office hours', occurrences: '2' });
    const guide = await request(t.app).get('/guides/office-hours').expect(200);
    const aside = guide.text.slice(guide.text.indexOf('class="coming-sessions"'), guide.text.indexOf('</aside>'));
    expect(aside.match(/Weekly office hours/g)).toHaveLength(2);
    expect(aside).toContain(`href="/sessions/${id}/calendar.ics"`);
    expect(aside).toContain('office hours · weekly');
    // Other guides are not touched.
    expect((await request(t.app).get('/guides/demo-guide').expect(200)).text).not.toContain('coming-sessions');
  });
});
