import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, apiUser, type TestApp } from '../support/app.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

const ENTRY = {
  title: 'Bootstrap stops at the registry login with an expired certificate',
  errorText: 'x509: certificate has expired or is not yet valid: current time 2024-05-01T10:11:12Z is after 2024-04-30T00:00:00Z',
  deployment: ['aio-sx'],
  phase: 'bootstrap',
  release: '9.0',
  cause: 'The controller clock is **wrong**, so every certificate looks expired.',
  fix: 'Set the time, then run the bootstrap again:\n\n```bash\nsudo date -s "2024-05-01 10:00"\n```',
  sources: ['https://lists.starlingx.io/pipermail/starlingx-discuss/2024-May/000001.html'],
  tags: ['bootstrap', 'certificates'],
};

const form = (csrf: string, over: Record<string, string | string[]> = {}) => ({
  _csrf: csrf,
  title: ENTRY.title,
  errorText: ENTRY.errorText,
  deployment: ENTRY.deployment,
  phase: ENTRY.phase,
  release: ENTRY.release,
  cause: ENTRY.cause,
  fix: ENTRY.fix,
  sources: ENTRY.sources.join('\n'),
  tags: 'bootstrap, certificates',
  action: 'submit',
  ...over,
});

describe('contributing an FAQ entry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  it('when a visitor opens the form, then they are sent to sign in first', async () => {
    const res = await request(t.app).get('/faq/new').expect(302);
    expect(res.headers.location).toBe('/login?next=%2Ffaq%2Fnew');
  });

  it('when a learner submits the form, then the entry waits in review, is theirs, is not public, and they become a contributor', async () => {
    const agent = await signUp(t.app, 'newcomer');
    const page = await agent.get('/faq/new').expect(200);
    expect(page.text).toContain('makes you a <strong>contributor</strong>');
    const res = await agent.post('/faq/new').type('form').send(form(csrfFrom(page.text))).expect(303);
    expect(res.headers.location).toBe('/faq/mine');

    const id = 'bootstrap-stops-at-the-registry-login-with-an-expired';
    const stored = t.store.get<FaqEntry>('faq', id)!;
    expect(stored.status).toBe('in-review');
    expect(stored.authors).toEqual([t.ports.users.byUsername('newcomer')!.id]);
    expect(stored.deployment).toEqual(['aio-sx']);
    expect(stored.tags).toEqual(['bootstrap', 'certificates']);
    expect(stored.causeHtml).toContain('<strong>wrong</strong>');
    expect(stored.revisions).toHaveLength(1);
    expect(t.ports.users.byUsername('newcomer')!.role).toBe('contributor');

    const mine = await agent.get('/faq/mine').expect(200);
    expect(mine.text).toContain(ENTRY.title);
    expect(mine.text).toContain('in review');
    await request(t.app).get(`/faq/${id}`).expect(404);
    await agent.get(`/faq/${id}`).expect(200);
    const search = await request(t.app).get('/api/faq').query({ q: 'expired certificate registry login' }).expect(200);
    expect(search.body.results.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('when a cross-site form posts an entry (no token, or a foreign Origin), then it is refused with 403', async () => {
    const agent = await signUp(t.app, 'victim-user');
    const before = t.store.count('faq');
    await agent.post('/faq/new').type('form').send(form('')).expect(403);
    const page = await agent.get('/faq/new');
    await agent.post('/faq/new').set('origin', 'https://evil.example').type('form').send(form(csrfFrom(page.text))).expect(403);
    expect(t.store.count('faq')).toBe(before);
  });

  it('when the same title is submitted twice, then the second entry gets its own id', async () => {
    const agent = await signUp(t.app, 'twice');
    for (let i = 0; i < 2; i++) {
      const page = await agent.get('/faq/new');
      await agent.post('/faq/new').type('form').send(form(csrfFrom(page.text), { title: 'Same symptom twice over' })).expect(303);
    }
    expect(t.store.get('faq', 'same-symptom-twice-over')).toBeDefined();
    expect(t.store.get('faq', 'same-symptom-twice-over-2')).toBeDefined();
  });

  it('when a title reads like one of the FAQ\'s own addresses (New, Similar, Import), then the entry gets an id its page is reachable at', async () => {
    const agent = await signUp(t.app, 'wordsmith');
    for (const title of ['New', 'Similar', 'Import']) {
      const page = await agent.get('/faq/new');
      await agent.post('/faq/new').type('form').send(form(csrfFrom(page.text), { title: `${title}!!` })).expect(303);
      const id = `${title.toLowerCase()}-2`;
      expect(t.store.get<FaqEntry>('faq', id)?.title).toBe(`${title}!!`);
      const own = await agent.get(`/faq/${id}`).expect(200);
      expect(own.text).toContain(`${title}!!`);
    }
  });

  it('when a contributor types a title and pastes error text, then the live suggestions API names the entries that already say it', async () => {
    const byError = await request(t.app).get('/api/faq/similar').query({ title: 'Cannot reach the cluster', errorText: 'The connection to the server localhost:8080 was refused - did you specify the right host or port?' }).expect(200);
    expect(byError.body.results[0]).toMatchObject({ id: 'kubectl-refused', url: '/faq/kubectl-refused' });
    const byTitle = await request(t.app).get('/api/faq/similar').query({ title: 'kubectl connection refused after install', errorText: '' }).expect(200);
    expect(byTitle.body.results.map((r: { id: string }) => r.id)).toContain('kubectl-refused');
    const nothing = await request(t.app).get('/api/faq/similar').query({ title: 'ab', errorText: '' }).expect(200);
    expect(nothing.body.results).toEqual([]);
  });

  it('when the form has mistakes, then it comes back with the input kept and each field explained (422)', async () => {
    const agent = await signUp(t.app, 'careless');
    const page = await agent.get('/faq/new');
    const before = t.store.count('faq');
    const res = await agent
      .post('/faq/new')
      .type('form')
      .send(form(csrfFrom(page.text), { title: 'Hm', phase: '', sources: 'http://insecure.example/thread', cause: 'kept <b>as typed</b>' }))
      .expect(422);
    expect(res.text).toContain('id="title-error"');
    expect(res.text).toContain('id="phase-error"');
    expect(res.text).toContain('Sources must be https:// links.');
    expect(res.text).toContain('kept &lt;b&gt;as typed&lt;/b&gt;');
    expect(t.store.count('faq')).toBe(before);
  });

  it('when the Preview button is pressed, then the sanitized preview and similar entries show and nothing is saved', async () => {
    const agent = await signUp(t.app, 'previewer');
    const page = await agent.get('/faq/new');
    const before = t.store.count('faq');
    const res = await agent
      .post('/faq/new')
      .type('form')
      .send(form(csrfFrom(page.text), { action: 'preview', title: 'kubectl connection to localhost:8080 refused', cause: 'Hi <script>alert(1)</script> **there**' }))
      .expect(200);
    const preview = res.text.slice(res.text.indexOf('id="preview-cause"'));
    expect(preview).toContain('<strong>there</strong>');
    expect(preview).not.toContain('<script>alert');
    expect(res.text).toContain('href="/faq/kubectl-refused"');
    expect(t.store.count('faq')).toBe(before);
  });

  it('when the form is opened from a step, then the step, phase and deployment are filled in', async () => {
    const agent = await signUp(t.app, 'stepper');
    const page = await agent.get('/faq/new?workshop=demo-install&step=unlock&phase=unlock').expect(200);
    expect(page.text).toContain('name="steps" value="demo-install/unlock"');
    expect(page.text).toContain('<option value="unlock" selected>');
    expect(page.text).toMatch(/value="aio-sx" checked/);
  });

  it('when a script submits through the API, then it gets 201 with the id and status in-review', async () => {
    const token = await apiUser(t.app, 'scripted');
    const res = await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ ...ENTRY, title: 'An API submitted symptom title' }).expect(201);
    expect(res.body).toMatchObject({ id: 'an-api-submitted-symptom-title', status: 'in-review', authors: ['scripted'] });
    expect(res.headers.location).toBe('/api/faq/an-api-submitted-symptom-title');
  });

  it('when the API body is wrong, then the answer is a JSON error with details and nothing is stored', async () => {
    const token = await apiUser(t.app, 'sloppy');
    const before = t.store.count('faq');
    const bad = await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ ...ENTRY, phase: 'lunch', sources: ['javascript:alert(1)'] }).expect(422);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(['phase', 'sources.0']));
    const extra = await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ ...ENTRY, status: 'approved' }).expect(422);
    expect(extra.body.error.details.body).toMatch(/status/);
    // Without a token or a session, the CSRF check answers first.
    const anonymous = await request(t.app).post('/api/faq').send(ENTRY).expect(403);
    expect(anonymous.body.error.code).toBe('csrf_invalid');
    expect(t.store.count('faq')).toBe(before);
  });

  it('when the preview API is called, then it answers sanitized HTML to signed-in users only', async () => {
    const token = await apiUser(t.app, 'viewer');
    const res = await request(t.app).post('/api/faq/preview').set('authorization', `Bearer ${token}`).send({ cause: '[x](javascript:alert(1)) *ok*', fix: '' }).expect(200);
    expect(res.body.causeHtml).toContain('<em>ok</em>');
    expect(res.body.causeHtml).not.toContain('javascript:');
    await request(t.app).post('/api/faq/preview').send({ cause: 'x' }).expect(403);
  });

  it('when a browser posts to the API without the CSRF header, then it is refused', async () => {
    const agent = await signUp(t.app, 'cookieuser');
    await agent.post('/api/faq').send(ENTRY).expect(403);
    const { body } = await agent.get('/api/session');
    await agent.post('/api/faq').set('x-csrf-token', body.csrfToken).send({ ...ENTRY, title: 'Cookie plus CSRF header works' }).expect(201);
  });
});

describe('submission rate limit', () => {
  it('when someone submits more than the limit in an hour, then they get 429; someone else at the same address does not', async () => {
    const t = await buildApp({ RATE_LIMIT_SUBMIT: '2' });
    try {
      const token = await apiUser(t.app, 'flooder');
      for (let i = 0; i < 2; i++) {
        await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ ...ENTRY, title: `Flood entry number ${i}` }).expect(201);
      }
      const res = await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ ...ENTRY, title: 'Flood entry number 3' }).expect(429);
      expect(res.body.error.code).toBe('rate_limited');
      // The limit counts per account (a classroom shares one address): a neighbour still gets through.
      const neighbour = await apiUser(t.app, 'neighbour');
      await request(t.app).post('/api/faq').set('authorization', `Bearer ${neighbour}`).send({ ...ENTRY, title: 'A neighbour entry' }).expect(201);
    } finally {
      await t.close();
    }
  });
});
