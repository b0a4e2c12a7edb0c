import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, signUp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildApp();
});
afterEach(async () => {
  await t.close();
});

describe('JSON API', () => {
  it('when a script signs up and asks for a token, then it gets the token once and can use it', async () => {
    const created = await request(t.app).post('/api/users').send({ username: 'script', password: 'script password' }).expect(201);
    expect(created.body).toMatchObject({ username: 'script', role: 'learner' });
    expect(created.headers['set-cookie']).toBeUndefined();
    const tok = await request(t.app).post('/api/tokens').send({ username: 'script', password: 'script password', name: 'ci' }).expect(201);
    expect(tok.body.token).toMatch(/^onr_/);
    const me = await request(t.app).get('/api/session').set('Authorization', `Bearer ${tok.body.token}`).expect(200);
    expect(me.body.user.username).toBe('script');
    const listed = await request(t.app).get('/api/tokens').set('Authorization', `Bearer ${tok.body.token}`).expect(200);
    expect(listed.body.tokens[0]).not.toHaveProperty('hash');
    expect(JSON.stringify(listed.body)).not.toContain(tok.body.token);
  });

  it('when the token is wrong, revoked, or the password is wrong, then the answer is 401 with a stable code', async () => {
    const token = await apiUser(t.app, 'revoker');
    await request(t.app).post('/api/tokens').send({ username: 'revoker', password: 'nope nope nope', name: 'x' }).expect(401);
    const bad = await request(t.app).get('/api/me/progress').set('Authorization', 'Bearer onr_invalid').expect(401);
    expect(bad.body.error.code).toBe('unauthorized');
    const { body } = await request(t.app).get('/api/tokens').set('Authorization', `Bearer ${token}`);
    await request(t.app).delete(`/api/tokens/${body.tokens[0].id}`).set('Authorization', `Bearer ${token}`).expect(204);
    await request(t.app).get('/api/me/progress').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('lists workshops and gives one with its steps and checkpoint prompts', async () => {
    const list = await request(t.app).get('/api/workshops').expect(200);
    expect(list.body.workshops.map((w: { slug: string }) => w.slug)).toEqual(['demo-install']);
    const one = await request(t.app).get('/api/workshops/demo-install').expect(200);
    expect(one.body.steps).toMatchObject([
      { id: 'prepare', title: 'Prepare the host', minutes: 10, phase: 'host-prep', checkpoint: null, checked: { release: '9.0', on: '2026-11-30' } },
      { id: 'unlock', title: 'Unlock the controller', minutes: 10, phase: 'unlock', checkpoint: { prompt: 'Paste the output of `system host-list`.' }, sources: [] },
      { id: 'verify', title: 'Verify', minutes: 10, phase: 'verify', checkpoint: null },
    ]);
    expect(one.body.steps[0].sources[0].url).toBe('https://docs.starlingx.io/deploy_install_guides/index.html');
    const missing = await request(t.app).get('/api/workshops/nope').expect(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('when a learner records progress and checkpoints by API, then the summary reflects it', async () => {
    const token = await apiUser(t.app, 'apilearner');
    const auth = { Authorization: `Bearer ${token}` };
    const put = await request(t.app).put('/api/me/progress/demo-install/prepare').set(auth).send({ done: true }).expect(200);
    expect(put.body.progress).toEqual({ done: 1, total: 3, percent: 33 });
    const fail = await request(t.app).post('/api/me/progress/demo-install/unlock/checkpoint').set(auth)
      .send({ output: '| 1 | controller-0 | controller | locked | disabled | online |' }).expect(200);
    expect(fail.body).toMatchObject({ passed: false, hint: expect.stringContaining('still locked') });
    const pass = await request(t.app).post('/api/me/progress/demo-install/unlock/checkpoint').set(auth)
      .send({ output: '| 1 | controller-0 | controller | unlocked | enabled | available |' }).expect(200);
    // A passed checkpoint marks its step done: checkpoint and progress are one thing.
    expect(pass.body).toMatchObject({ passed: true, progress: { done: 2, total: 3 } });
    const all = await request(t.app).get('/api/me/progress').set(auth).expect(200);
    expect(all.body.progress[0]).toMatchObject({ workshop: 'demo-install', done: 2, total: 3, resumeStep: 'verify' });
    expect(all.body.progress[0].steps.unlock.done).toBe(true);
    expect(all.body.progress[0].steps.unlock.checkpoint).toMatchObject({ passed: true, attempts: 2 });
    await request(t.app).post('/api/me/progress/demo-install/prepare/checkpoint').set(auth).send({ output: 'x' }).expect(404);
    await request(t.app).put('/api/me/progress/demo-install/nope').set(auth).send({ done: true }).expect(404);
    await request(t.app).put('/api/me/progress/demo-install/prepare').set(auth).send({ done: 'yes' }).expect(400);
  });

  it('when a learner tries to reach another learner\'s progress, then there is no way to name them', async () => {
    const a = await apiUser(t.app, 'alice');
    const b = await apiUser(t.app, 'bobby');
    await request(t.app).put('/api/me/progress/demo-install/prepare').set('Authorization', `Bearer ${b}`).send({ done: true }).expect(200);
    const bob = t.ports.users.byUsername('bobby')!;
    expect((await request(t.app).put('/api/me/progress/demo-install/verify').set('Authorization', `Bearer ${a}`).send({ done: true, userId: bob.id })).status).toBe(400);
    expect((await request(t.app).get(`/api/me/progress?userId=${bob.id}`).set('Authorization', `Bearer ${a}`)).body.progress).toEqual([]);
    for (const path of [`/api/users/${bob.id}/progress`, `/api/progress/${bob.id}`, `/api/me/progress/${bob.id}`]) {
      expect((await request(t.app).get(path).set('Authorization', `Bearer ${a}`)).status).toBe(404);
    }
    const bobs = await request(t.app).get('/api/me/progress').set('Authorization', `Bearer ${b}`);
    expect(bobs.body.progress[0].done).toBe(1);
    expect(bobs.body.progress[0].steps.verify).toBeUndefined();
  });

  it('when a browser session uses the API, then it needs the CSRF header from /api/session', async () => {
    const agent = await signUp(t.app, 'cookieuser');
    await agent.put('/api/me/progress/demo-install/prepare').send({ done: true }).expect(403);
    const { body } = await agent.get('/api/session').expect(200);
    await agent.put('/api/me/progress/demo-install/prepare').set('X-CSRF-Token', body.csrfToken).send({ done: true }).expect(200);
  });

  it('when nobody is signed in, then personal endpoints answer 401 JSON', async () => {
    const res = await request(t.app).get('/api/me/progress').expect(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('answers /healthz when ready', async () => {
    expect((await request(t.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
  });
});
