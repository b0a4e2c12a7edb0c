import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, logIn, apiUser, type TestApp, setRole } from '../support/app.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

const body = (title: string, over: Record<string, unknown> = {}) => ({
  title,
  errorText: `ERROR: ${title}`,
  deployment: ['any'],
  phase: 'configure',
  cause: 'The cause.',
  fix: 'The fix.',
  sources: [],
  tags: ['storage'],
  ...over,
});


describe('reviewing FAQ entries', () => {
  let t: TestApp;
  let contributor: string;
  let maintainer: request.Agent;
  let maintainerToken: string;

  beforeAll(async () => {
    t = await buildApp();
    contributor = await apiUser(t.app, 'contrib');
    await setRole(t, 'contrib', 'contributor');
    maintainer = await signUp(t.app, 'maint');
    await setRole(t, 'maint', 'maintainer');
    maintainerToken = await apiUser(t.app, 'maint-bot');
    await setRole(t, 'maint-bot', 'maintainer');
  });
  afterAll(() => t.close());

  const submit = async (title: string, over: Record<string, unknown> = {}) =>
    (await request(t.app).post('/api/faq').set('authorization', `Bearer ${contributor}`).send(body(title, over)).expect(201)).body.id as string;
  const decide = async (id: string, decision: string, comment = '') => {
    const page = await maintainer.get(`/review/${id}`).expect(200);
    return maintainer.post(`/review/${id}/decision`).type('form').send({ _csrf: csrfFrom(page.text), decision, comment });
  };

  it('when changes are requested, the author edits and resubmits, and a maintainer approves, then the entry is public and every step is recorded', async () => {
    const id = await submit('OSD will not add on the second disk');
    const queue = await maintainer.get('/review').expect(200);
    expect(queue.text).toContain(`href="/review/${id}"`);

    await decide(id, 'request-changes', 'Which disk device did you use? Add the command.').then((r) => expect(r.status).toBe(303));
    expect(t.store.get<FaqEntry>('faq', id)!.status).toBe('changes-requested');

    const author = await logIn(t.app, 'contrib');
    const mine = await author.get('/faq/mine').expect(200);
    expect(mine.text).toContain('Which disk device did you use? Add the command.');
    expect(mine.text).toContain(`href="/faq/${id}/edit"`);
    const form = await author.get(`/faq/${id}/edit`).expect(200);
    await author
      .post(`/faq/${id}/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), title: 'OSD will not add on the second disk', errorText: 'ERROR: disk in use', deployment: 'any', phase: 'configure', release: 'any', cause: 'The disk has partitions.', fix: 'Wipe it: `sudo wipedisk`.', sources: '', tags: 'storage', note: 'Added the command', action: 'submit' })
      .expect(303);
    let stored = t.store.get<FaqEntry>('faq', id)!;
    expect(stored.status).toBe('in-review');
    expect(stored.revisions.map((r) => r.note)).toEqual(['Submitted for review', 'Added the command']);

    await decide(id, 'approve').then((r) => expect(r.status).toBe(303));
    stored = t.store.get<FaqEntry>('faq', id)!;
    expect(stored.status).toBe('approved');
    expect(stored.reviews.map((r) => [r.decision, r.by])).toEqual([
      ['request-changes', t.ports.users.byUsername('maint')!.id],
      ['approve', t.ports.users.byUsername('maint')!.id],
    ]);
    expect(stored.reviews.every((r) => !Number.isNaN(Date.parse(r.at)))).toBe(true);
    const page = await request(t.app).get(`/faq/${id}`).expect(200);
    expect(page.text).toContain('Written by contrib.');
    expect(page.text).toContain('Added the command');
    const found = await request(t.app).get('/api/faq').query({ q: 'wipedisk partitions' }).expect(200);
    expect(found.body.results[0].id).toBe(id);
  });

  it('when a maintainer rejects without a reason, then it is refused; with a reason it is recorded', async () => {
    const id = await submit('Something that is not an install problem');
    const res = await decide(id, 'reject', '');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Say what should change, or why.');
    expect(t.store.get<FaqEntry>('faq', id)!.status).toBe('in-review');
    await decide(id, 'reject', 'Not about installing StarlingX.').then((r) => expect(r.status).toBe(303));
    expect(t.store.get<FaqEntry>('faq', id)!.status).toBe('rejected');
  });

  it('when a maintainer edits, then a revision is added with a view of what changed, and the status stays', async () => {
    const id = await submit('Horizon shows a blank page after unlock');
    const form = await maintainer.get(`/review/${id}/edit`).expect(200);
    expect(form.text).toContain('name="signatures"');
    await maintainer
      .post(`/review/${id}/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), title: 'Horizon shows a blank page after the unlock', errorText: 'ERROR: Horizon shows a blank page', deployment: 'any', phase: 'verify', release: 'any', cause: 'The cause.', fix: 'Clear the browser cache.', sources: '', tags: 'storage', signatures: 'blank page after unlock', note: 'Clearer title' })
      .expect(303);
    const stored = t.store.get<FaqEntry>('faq', id)!;
    expect(stored.status).toBe('in-review');
    expect(stored.signatures).toEqual(['blank page after unlock']);
    expect(stored.revisions).toHaveLength(2);
    const diff = await maintainer.get(`/faq/${id}/revisions/1`).expect(200);
    expect(diff.text).toContain('<ins>');
    expect(diff.text).toContain('<del>');
    expect(diff.text).toContain('Clearer title');

    const unsafe = await maintainer.get(`/review/${id}/edit`);
    const bad = await maintainer
      .post(`/review/${id}/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(unsafe.text), title: 'Horizon shows a blank page after the unlock', deployment: 'any', phase: 'verify', cause: 'c', fix: 'f', signatures: 'blank(?! page)' })
      .expect(422);
    expect(bad.text).toContain('Pattern 1: pattern /blank(?! page)/ cannot be used: look-ahead');
  });

  it('when a duplicate is merged, then its address leads to the survivor, which gains its tags and authors', async () => {
    const survivor = await submit('Ceph monitor clock skew detected', { tags: ['ceph'] });
    const dup = await submit('HEALTH_WARN clock skew on ceph mon', { tags: ['ntp'], sources: ['https://lists.example.org/thread/42'] });
    await decide(survivor, 'approve');
    await decide(dup, 'approve');
    const page = await maintainer.get(`/review/${dup}`);
    await maintainer.post(`/review/${dup}/merge`).type('form').send({ _csrf: csrfFrom(page.text), into: survivor, comment: 'Same problem' }).expect(303);
    const res = await request(t.app).get(`/faq/${dup}`).expect(301);
    expect(res.headers.location).toBe(`/faq/${survivor}`);
    const api = await request(t.app).get(`/api/faq/${dup}`).expect(301);
    expect(api.headers.location).toBe(`/api/faq/${survivor}`);
    const s = t.store.get<FaqEntry>('faq', survivor)!;
    expect(s.tags).toEqual(['ceph', 'ntp']);
    expect(s.sources).toContain('https://lists.example.org/thread/42');
    expect(t.store.get<FaqEntry>('faq', dup)!).toMatchObject({ status: 'retired', mergedInto: survivor });
    expect(t.store.get<FaqEntry>('faq', dup)!.reviews.at(-1)).toMatchObject({ decision: 'merge', comment: 'Same problem' });
  });

  it('when an entry that was never public is merged, then its address tells a stranger nothing (404), while its author is led on', async () => {
    const survivor = await submit('Ceph monitor clock skew detected again', { tags: ['ceph'] });
    const draft = await submit('Clock skew on the ceph monitor', { tags: ['ntp'] });
    await decide(survivor, 'approve');
    const page = await maintainer.get(`/review/${draft}`);
    await maintainer.post(`/review/${draft}/merge`).type('form').send({ _csrf: csrfFrom(page.text), into: survivor, comment: 'Same problem' }).expect(303);
    const stranger = await request(t.app).get(`/faq/${draft}`).expect(404);
    expect(stranger.text).toContain('There is no FAQ entry at this address.');
    await request(t.app).get(`/api/faq/${draft}`).expect(404);
    const own = await request(t.app).get(`/api/faq/${draft}`).set('authorization', `Bearer ${contributor}`).expect(301);
    expect(own.headers.location).toBe(`/api/faq/${survivor}`);
  });

  it('when an entry is retired, then it is no longer public nor found', async () => {
    const id = await submit('Old release needs a patch for the installer');
    await decide(id, 'approve');
    await request(t.app).get(`/faq/${id}`).expect(200);
    const page = await maintainer.get(`/review/${id}`);
    await maintainer.post(`/review/${id}/retire`).type('form').send({ _csrf: csrfFrom(page.text), comment: 'Fixed in 9.0' }).expect(303);
    await request(t.app).get(`/faq/${id}`).expect(404);
    const found = await request(t.app).get('/api/faq').query({ q: 'Old release needs a patch for the installer' }).expect(200);
    expect(found.body.results.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('when the API is used, then maintainers read the queue and decide, and others cannot', async () => {
    const id = await submit('API reviewed entry about unlock');
    const queue = await request(t.app).get('/api/review-queue').set('authorization', `Bearer ${maintainerToken}`).expect(200);
    expect(queue.body.entries.map((e: { id: string }) => e.id)).toContain(id);
    await request(t.app).get('/api/review-queue').set('authorization', `Bearer ${contributor}`).expect(403);
    await request(t.app).get('/api/review-queue').expect(401);
    await request(t.app).post(`/api/faq/${id}/reviews`).set('authorization', `Bearer ${contributor}`).send({ decision: 'approve', comment: '' }).expect(403);
    const res = await request(t.app).post(`/api/faq/${id}/reviews`).set('authorization', `Bearer ${maintainerToken}`).send({ decision: 'approve', comment: 'Good' }).expect(200);
    expect(res.body).toMatchObject({ id, status: 'approved', review: { decision: 'approve', comment: 'Good' } });
    await request(t.app).post(`/api/faq/${id}/reviews`).set('authorization', `Bearer ${maintainerToken}`).send({ decision: 'publish' }).expect(422);
  });
});

describe('role boundaries around the FAQ', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  it('when a learner or a contributor opens review pages, then they get 403; a visitor is sent to sign in', async () => {
    const learner = await signUp(t.app, 'just-learning');
    await learner.get('/review').expect(403);
    await learner.get('/insights').expect(403);
    await learner.get('/review/kubectl-refused').expect(403);
    const contrib = await signUp(t.app, 'writer');
    await setRole(t, 'writer', 'contributor');
    await contrib.get('/review').expect(403);
    const page = await contrib.get('/faq');
    await contrib.post('/review/kubectl-refused/retire').type('form').send({ _csrf: csrfFrom(page.text), comment: 'mine now' }).expect(403);
    await contrib.post('/review/kubectl-refused/decision').type('form').send({ _csrf: csrfFrom(page.text), decision: 'reject', comment: 'x' }).expect(403);
    expect(t.store.get<FaqEntry>('faq', 'kubectl-refused')!.status).toBe('approved');
    const visitor = await request(t.app).get('/review').expect(302);
    expect(visitor.headers.location).toMatch(/^\/login\?next=/);
  });

  it("when a contributor tries to edit someone else's entry, then it is refused and nothing changes", async () => {
    const owner = await apiUser(t.app, 'owner');
    const { body: created } = await request(t.app).post('/api/faq').set('authorization', `Bearer ${owner}`).send(body('The owner wrote this one')).expect(201);
    const other = await signUp(t.app, 'other-writer');
    await setRole(t, 'other-writer', 'contributor');
    await other.get(`/faq/${created.id}/edit`).expect(404);
    const page = await other.get('/faq');
    await other.post(`/faq/${created.id}/edit`).type('form').send({ _csrf: csrfFrom(page.text), title: 'Taken over entry', deployment: 'any', phase: 'install', cause: 'c', fix: 'f' }).expect(404);
    // Once public, the entry is visible, but still not theirs to edit.
    const maint = await apiUser(t.app, 'approver');
    await setRole(t, 'approver', 'maintainer');
    await request(t.app).post(`/api/faq/${created.id}/reviews`).set('authorization', `Bearer ${maint}`).send({ decision: 'approve', comment: '' }).expect(200);
    await other.get(`/faq/${created.id}/edit`).expect(403);
    await other.post(`/faq/${created.id}/edit`).type('form').send({ _csrf: csrfFrom(page.text), title: 'Taken over entry', deployment: 'any', phase: 'install', cause: 'c', fix: 'f' }).expect(403);
    expect(t.store.get<FaqEntry>('faq', created.id)!.title).toBe('The owner wrote this one');
  });
});
