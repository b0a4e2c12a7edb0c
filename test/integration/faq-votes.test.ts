import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, apiUser, type TestApp } from '../support/app.ts';

describe('"this fixed it" votes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  const vote = async (agent: request.Agent, id: string, helpful: '1' | '0') => {
    const page = await agent.get(`/faq/${id}`);
    return agent.post(`/faq/${id}/votes`).type('form').send({ _csrf: csrfFrom(page.text), helpful });
  };

  it('when people vote, then each person counts once and can change their mind', async () => {
    const a = await signUp(t.app, 'voter-a');
    const b = await signUp(t.app, 'voter-b');
    expect((await vote(a, 'kubectl-refused', '1')).status).toBe(303);
    await vote(a, 'kubectl-refused', '1');
    await vote(b, 'kubectl-refused', '1');
    let page = await request(t.app).get('/faq/kubectl-refused');
    expect(page.text).toContain('<strong>2</strong> found it fixed their problem · <strong>0</strong> said it did not help');
    await vote(a, 'kubectl-refused', '0');
    page = await a.get('/faq/kubectl-refused');
    expect(page.text).toContain('<strong>1</strong> found it fixed their problem · <strong>1</strong> said it did not help');
    expect(page.text).toContain('You said: this did not help');
    expect(t.store.count('faqVotes')).toBe(2);
  });

  it('when the votes are counted again after a restart, then the totals are the same', async () => {
    t = await t.restart();
    const res = await request(t.app).get('/api/faq/kubectl-refused').expect(200);
    expect(res.body.votes).toEqual({ helpful: 1, notHelpful: 1 });
  });

  it('when the API is used, then one vote per token user is kept', async () => {
    const token = await apiUser(t.app, 'api-voter');
    await request(t.app).post('/api/faq/host-stays-locked/votes').set('authorization', `Bearer ${token}`).send({ helpful: true }).expect(200);
    const res = await request(t.app).post('/api/faq/host-stays-locked/votes').set('authorization', `Bearer ${token}`).send({ helpful: true }).expect(200);
    expect(res.body).toEqual({ id: 'host-stays-locked', helpful: 1, notHelpful: 0, yours: true });
    await request(t.app).post('/api/faq/host-stays-locked/votes').set('authorization', `Bearer ${token}`).send({ helpful: 'yes' }).expect(400);
    await request(t.app).post('/api/faq/no-such-entry/votes').set('authorization', `Bearer ${token}`).send({ helpful: true }).expect(404);
  });

  it('when a visitor answers without an account, then their browser counts once, and "no" keeps what was missing', async () => {
    const page = await request(t.app).get('/faq/kubectl-refused');
    expect(page.text).toContain('Did this help?');
    expect(page.text).not.toContain('to say whether it helped');
    const agent = request.agent(t.app);
    const withForm = await agent.get('/faq/kubectl-refused');
    const csrf = csrfFrom(withForm.text);
    await agent.post('/faq/kubectl-refused/votes').type('form').send({ _csrf: csrf, helpful: '1' }).expect(303);
    const res = await agent.post('/faq/kubectl-refused/votes').type('form').send({ _csrf: csrf, helpful: '0', missing: 'The path of admin.conf on 10.0' }).expect(303);
    expect(res.headers.location).toBe('/faq/kubectl-refused#votes');
    expect(t.store.count('faqVotes')).toBe(4);
    const again = await agent.get('/faq/kubectl-refused');
    expect(again.text).toContain('You said: this did not help');
    expect(again.text).toContain('value="The path of admin.conf on 10.0"');
    // A line break in the field is not a second line anywhere.
    await agent.post('/faq/kubectl-refused/votes').type('form').send({ _csrf: csrf, helpful: '0', missing: 'two\r\nlines' }).expect(303);
    const stored = [...t.store.values<{ missing?: string }>('faqVotes')].find((v) => v.missing?.startsWith('two'));
    expect(stored!.missing).toBe('two lines');
  });

  it('when an entry is not public, then it cannot be voted on', async () => {
    const token = await apiUser(t.app, 'self-voter');
    const { body } = await request(t.app)
      .post('/api/faq')
      .set('authorization', `Bearer ${token}`)
      .send({ title: 'Not yet reviewed entry', deployment: 'any', phase: 'install', cause: 'c', fix: 'f' })
      .expect(201);
    await request(t.app).post(`/api/faq/${body.id}/votes`).set('authorization', `Bearer ${token}`).send({ helpful: true }).expect(404);
  });
});

describe('vote rate limit', () => {
  it('when one person votes too often, then they get 429', async () => {
    const t = await buildApp({ RATE_LIMIT_SUBMIT: '3' });
    try {
      const token = await apiUser(t.app, 'clicker');
      for (let i = 0; i < 3; i++) {
        await request(t.app).post('/api/faq/kubectl-refused/votes').set('authorization', `Bearer ${token}`).send({ helpful: i % 2 === 0 }).expect(200);
      }
      await request(t.app).post('/api/faq/kubectl-refused/votes').set('authorization', `Bearer ${token}`).send({ helpful: true }).expect(429);
    } finally {
      await t.close();
    }
  });
});
