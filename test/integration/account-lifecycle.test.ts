import { describe, it, expect, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, csrfFrom, logIn, setRole, signUp, type TestApp } from '../support/app.ts';
import { createAdmin } from '../../src/cli/create-admin.ts';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const PASSWORD = 'correct horse battery';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
async function post(agent: request.Agent, from: string, to: string, fields: Record<string, string> = {}) {
  const page = await agent.get(from);
  return agent.post(to).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
}
/** Two browsers and an access token of one account. */
async function everywhere(name: string) {
  const token = await apiUser(t.app, name);
  const laptop = await logIn(t.app, name);
  const phone = await logIn(t.app, name);
  await request(t.app).get('/api/me/progress').set(bearer(token)).expect(200);
  return { token, laptop, phone };
}

describe('account lifecycle', () => {
  it('when someone changes their password, then the current password is required, and every other browser and token ends; this one stays signed in', async () => {
    t = await buildApp();
    const { token, laptop, phone } = await everywhere('changer');
    const wrong = await post(laptop, '/account', '/account/password', { current: 'not it at all', password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That is not your current password.');
    const ok = await post(laptop, '/account', '/account/password', { current: PASSWORD, password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    expect(ok.status).toBe(303);
    expect((await laptop.get('/account')).status).toBe(200);
    expect((await phone.get('/account')).status).toBe(302);
    await request(t.app).get('/api/me/progress').set(bearer(token)).expect(401);
    await logIn(t.app, 'changer', 'a brand new passphrase');
  });

  it('when someone signs out everywhere, then every browser, this one too, and every token ends', async () => {
    t = await buildApp();
    const { token, laptop, phone } = await everywhere('leaver');
    expect((await post(laptop, '/account', '/account/sign-out-everywhere')).status).toBe(303);
    for (const b of [laptop, phone]) expect((await b.get('/account')).status).toBe(302);
    await request(t.app).get('/api/me/progress').set(bearer(token)).expect(401);
  });

  it('when someone deletes their account, then it needs their password and "delete", and the account, progress, tokens and sessions go while their FAQ entries stay, credited to a former member', async () => {
    t = await buildApp();
    const { token, laptop, phone } = await everywhere('goner');
    await post(laptop, '/workshops/demo-install/steps/prepare', '/workshops/demo-install/steps/prepare/progress', { done: '1' });
    await request(t.app).post('/api/faq').set(bearer(token)).send({
      title: 'Controller reboots in a loop after unlock', errorText: '', deployment: ['any'], phase: 'unlock', release: 'any',
      cause: 'Something.', fix: 'Something else.', sources: [], tags: [], steps: [],
    }).expect(201);
    const id = t.ports.users.byUsername('goner')!.id;
    const page = await laptop.get('/account/delete').expect(200);
    expect(page.text).toContain('credited to “a former member”');
    expect((await laptop.post('/account/delete').type('form').send({ _csrf: csrfFrom(page.text), password: 'wrong one!', confirm: 'delete' })).status).toBe(422);
    expect((await laptop.post('/account/delete').type('form').send({ _csrf: csrfFrom(page.text), password: PASSWORD, confirm: 'yes' })).status).toBe(422);
    expect(t.ports.users.byUsername('goner')).toBeDefined();
    expect((await laptop.post('/account/delete').type('form').send({ _csrf: csrfFrom(page.text), password: PASSWORD, confirm: 'delete' })).status).toBe(303);
    expect(t.ports.users.byUsername('goner')).toBeUndefined();
    expect([...t.store.values<{ learnerId: string }>('progress')].filter((p) => p.learnerId === id)).toEqual([]);
    expect(t.store.keysOf('tokens', 'owner', id)).toEqual([]);
    expect(t.store.keysOf('sessions', 'user', id)).toEqual([]);
    for (const b of [laptop, phone]) expect((await b.get('/account')).status).toBe(302);
    await request(t.app).get('/api/me/progress').set(bearer(token)).expect(401);
    const maint = await signUp(t.app, 'reviewer');
    await setRole(t, 'reviewer', 'maintainer');
    const entry = await maint.get('/faq/controller-reboots-in-a-loop-after-unlock').expect(200);
    expect(entry.text).toContain('a former member');
  });

  it('when an admin makes a reset link, then they never learn the password; the link works once and ends the old sessions and tokens', async () => {
    t = await buildApp();
    const { token, phone } = await everywhere('forgetful');
    const admin = await signUp(t.app, 'boss');
    await setRole(t, 'boss', 'admin');
    const id = t.ports.users.byUsername('forgetful')!.id;
    const made = await post(admin, '/admin/users', `/admin/users/${id}/reset-link`);
    expect(made.status).toBe(200);
    const link = /\/reset\/[A-Za-z0-9_-]{32}/.exec(made.text)![0];
    expect(t.ports.users.byUsername('forgetful')!.role).toBe('learner');
    const visitor = request.agent(t.app);
    const form = await visitor.get(link).expect(200);
    expect(form.text).toContain('forgetful');
    const set = await visitor.post(link).type('form').send({ _csrf: csrfFrom(form.text), password: 'remembered at last', confirm: 'remembered at last' });
    expect(set.status).toBe(303);
    expect((await visitor.get('/account')).status).toBe(200);
    expect((await phone.get('/account')).status).toBe(302);
    await request(t.app).get('/api/me/progress').set(bearer(token)).expect(401);
    await request(t.app).get(link).expect(404);
    // An admin cannot reset their own password this way (their account page does that).
    expect((await post(admin, '/admin/users', `/admin/users/${t.ports.users.byUsername('boss')!.id}/reset-link`)).status).toBe(403);
  });

  it('when create-admin sets a new password on an existing account, then its old access tokens stop working', async () => {
    t = await buildApp();
    const token = await apiUser(t.app, 'oldadmin');
    await setRole(t, 'oldadmin', 'admin');
    await request(t.app).get('/api/admin/metrics').set(bearer(token)).expect(200);
    await t.close();
    const env = { NODE_ENV: 'test', DATA_DIR: t.dir, CONTENT_DIR: t.config.contentDir, SEED_DIR: t.config.seedDir };
    await expect(createAdmin(['--username', 'oldadmin', '--password', 'a fresh admin passphrase'], env)).resolves.toBe(0);
    t = await buildApp({}, t.dir);
    await request(t.app).get('/api/admin/metrics').set(bearer(token)).expect(401);
  });
});
