import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, setRole, type TestApp } from '../support/app.ts';

/** CR/LF, a NUL, a bidi override: what a single-line field must never keep (it would reach .ics, CSV and logs). */
const HOSTILE = 'Install\r\nATTENDEE:mailto:evil@example.org\u0000 day\u202e 1';
const CLEAN = /^[^\r\n\u0000-\u001f\u202a-\u202e]*$/;

describe('single-line fields, in every feature', () => {
  let t: TestApp;
  let token: string;
  const api = () => ({ Authorization: `Bearer ${token}` });
  beforeAll(async () => {
    t = await buildApp();
    token = await apiUser(t.app, 'liner');
    await setRole(t, 'liner', 'host');
  });
  afterAll(() => t.close());

  it('when titles, names, questions and announcements hold line breaks and control characters, then they are stored as one clean line', async () => {
    const s = (await request(t.app).post('/api/sessions').set(api()).send({ workshop: 'demo-install', title: HOSTILE, startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 5 }).expect(201)).body;
    expect(s.title).toMatch(CLEAN);
    expect(s.title).toBe('Install ATTENDEE:mailto:evil@example.org day 1');
    const ics = await request(t.app).get(`/sessions/${s.id}/calendar.ics`).expect(200);
    expect(ics.text).not.toMatch(/^ATTENDEE/m);
    const q = (await request(t.app).post(`/api/sessions/${s.id}/questions`).set(api()).send({ text: HOSTILE }).expect(201)).body;
    expect(q.text).toMatch(CLEAN);
    const a = (await request(t.app).post(`/api/sessions/${s.id}/announcements`).set(api()).send({ text: HOSTILE }).expect(201)).body;
    expect(a.text).toMatch(CLEAN);
    const entry = (await request(t.app).post('/api/faq').set(api()).send({ title: HOSTILE, errorText: '', deployment: ['any'], phase: 'unlock', release: 'any', cause: 'c', fix: 'f', sources: [], tags: [], steps: [] }).expect(201)).body;
    expect(entry.title).toMatch(CLEAN);
    const tok = (await request(t.app).post('/api/tokens').send({ username: 'liner', password: 'correct horse battery', name: HOSTILE }).expect(201)).body;
    expect(tok.name).toMatch(CLEAN);
  });

  it('when a title is filled but too short, then the message says how long it must be, not to fill it in', async () => {
    const res = await request(t.app).post('/api/faq').set(api()).send({ title: 'Fail', errorText: '', deployment: ['any'], phase: 'unlock', release: 'any', cause: 'c', fix: 'f', sources: [], tags: [], steps: [] }).expect(422);
    expect(res.body.error.details.title).toBe('Write at least 5 characters.');
  });
});
