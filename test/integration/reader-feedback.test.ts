import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, setRole, type TestApp } from '../support/app.ts';

let t: TestApp;
let maint: request.Agent;
beforeAll(async () => {
  t = await buildApp();
  await signUp(t.app, 'fb-maint');
  await setRole(t, 'fb-maint', 'maintainer');
  maint = request.agent(t.app);
  const login = await maint.get('/login');
  await maint.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'fb-maint', password: 'correct horse battery' }).expect(302);
});
afterAll(() => t.close());

/** A visitor (no account) answering "did this help?" on a page that has the question. */
async function answer(page: string, action: string, helpful: '1' | '0', missing?: string) {
  const visitor = request.agent(t.app);
  const form = await visitor.get(page).expect(200);
  return visitor.post(action).type('form').send({ _csrf: csrfFrom(form.text), helpful, ...(missing ? { missing } : {}) });
}

describe('readers teach the FAQ', () => {
  it('when readers answer "did this help?" on a step, then maintainers see the counts and what was missing in Insights', async () => {
    const step = '/workshops/demo-install/steps/unlock';
    const page = await request(t.app).get(step).expect(200);
    expect(page.text).toContain('id="step-feedback"');
    expect((await answer(step, `${step}/feedback`, '0', 'Which console shows the unlock progress?')).headers.location).toBe(`${step}#step-feedback`);
    await answer(step, `${step}/feedback`, '1');
    await answer(step, `${step}/feedback`, '0', 'The reboot takes longer than it says');
    expect(t.store.count('stepFeedback')).toBe(3);
    const insights = (await maint.get('/insights').expect(200)).text;
    const row = insights.slice(insights.indexOf('What readers said about workshop steps'), insights.indexOf('id="unlinked-title"'));
    expect(row).toMatch(/Unlock the controller<\/a> <span class="muted">\(Demo install\)<\/span><\/td><td>1<\/td><td>2<\/td>/);
    expect(row).toContain('Which console shows the unlock progress?');
    expect(row).toContain('The reboot takes longer than it says');
    expect((await answer(step, '/workshops/demo-install/steps/nope/feedback', '1')).status).toBe(404);
  });

  it('when an entry keeps failing readers, then it rises to the top of the review queue with their reasons, and Insights lists it only as least helpful', async () => {
    await answer('/faq/kubectl-refused', '/faq/kubectl-refused/votes', '0', 'Nothing about kubectl over SSH');
    await answer('/faq/kubectl-refused', '/faq/kubectl-refused/votes', '0', 'The sysadmin user has no admin.conf');
    await answer('/faq/kubectl-refused', '/faq/kubectl-refused/votes', '1');
    await answer('/faq/host-stays-locked', '/faq/host-stays-locked/votes', '1');
    await answer('/faq/host-stays-locked', '/faq/host-stays-locked/votes', '1');

    const queue = (await maint.get('/review').expect(200)).text;
    const attention = queue.slice(queue.indexOf('Readers say these do not help'), queue.indexOf('</section>', queue.indexOf('Readers say these do not help')));
    expect(attention).toMatch(/kubectl says the connection to localhost:8080 was refused<\/a><\/td><td>1<\/td><td>2<\/td><td>The sysadmin user has no admin.conf<\/td>/);
    expect(attention).not.toContain('Host stays locked');

    const review = (await maint.get('/review/kubectl-refused').expect(200)).text;
    expect(review).toContain('1 said it helped, 2 said it did not.');
    expect(review.indexOf('The sysadmin user has no admin.conf')).toBeLessThan(review.indexOf('Nothing about kubectl over SSH'));

    const insights = (await maint.get('/insights').expect(200)).text;
    const most = insights.slice(insights.indexOf('id="most-title"'), insights.indexOf('id="least-title"'));
    const least = insights.slice(insights.indexOf('id="least-title"'), insights.indexOf('id="steps-title"'));
    expect(most).toContain('Host stays locked');
    expect(most).not.toContain('kubectl says');
    expect(least).toContain('kubectl says');
    expect(least).not.toContain('Host stays locked');
  });
});

describe('the release an entry was last confirmed on', () => {
  it('when an entry was not confirmed for the current release, then readers and maintainers are told, until a maintainer confirms it', async () => {
    // The seed file of host-stays-locked says it was checked on 9.0, the release of the loaded workshop.
    const current = await request(t.app).get('/faq/host-stays-locked').expect(200);
    expect(current.text).toContain('Last confirmed on StarlingX 9.0 (<time datetime="2026-11-30">2026-11-30</time>)');
    expect(current.text).not.toContain('id="release-flag"');
    const api = await request(t.app).get('/api/faq/host-stays-locked').expect(200);
    expect(api.body.checked).toEqual({ release: '9.0', on: '2026-11-30' });

    const stale = await request(t.app).get('/faq/kubectl-refused').expect(200);
    expect(stale.text).toContain('Not yet confirmed for StarlingX 9.0, the current release.');
    const queue = (await maint.get('/review').expect(200)).text;
    expect(queue).toContain('Not confirmed for 9.0 (1)');
    expect((await maint.get('/review?unconfirmed=1').expect(200)).text).toContain('href="/review/kubectl-refused"');

    const review = await maint.get('/review/kubectl-refused').expect(200);
    expect(review.text).toContain('Not confirmed for StarlingX 9.0, the current release');
    const bad = await maint.post('/review/kubectl-refused/confirm').type('form').send({ _csrf: csrfFrom(review.text), release: 'latest' }).expect(422);
    expect(bad.text).toContain('id="release-error"');
    expect(bad.text).toContain('value="latest"');
    await maint.post('/review/kubectl-refused/confirm').type('form').send({ _csrf: csrfFrom(review.text), release: '9.0' }).expect(303);

    const confirmed = await request(t.app).get('/faq/kubectl-refused').expect(200);
    expect(confirmed.text).not.toContain('id="release-flag"');
    expect(confirmed.text).toContain(`Last confirmed on StarlingX 9.0 (<time datetime="${new Date().toISOString().slice(0, 10)}">`);
    expect((await maint.get('/review').expect(200)).text).toContain('Not confirmed for 9.0 (0)');
    expect((await maint.get('/review/kubectl-refused')).text).toMatch(/<strong>confirm<\/strong>:\s*<div class="markdown user-content review-comment"><p>Confirmed for release 9.0<\/p>/);
    // Learners cannot confirm.
    const learner = await signUp(t.app, 'fb-learner');
    const page = await learner.get('/faq/kubectl-refused');
    await learner.post('/review/kubectl-refused/confirm').type('form').send({ _csrf: csrfFrom(page.text), release: '9.0' }).expect(403);
  });

  it('when a store was seeded before entries kept their release, then start-up gives the seed entries theirs, once', async () => {
    const entry = t.store.get<{ checked?: unknown }>('faq', 'host-stays-locked')!;
    delete entry.checked;
    await t.store.commit([{ c: 'faq', k: 'host-stays-locked', v: entry }, { c: 'meta', k: 'faq:seed-checked', v: null }]);
    t = await t.restart();
    expect(t.store.get('faq', 'host-stays-locked')).toMatchObject({ checked: { release: '9.0', on: '2026-11-30' } });
    // kubectl-refused was confirmed by a maintainer above: that stays.
    expect(t.store.get('faq', 'kubectl-refused')).toMatchObject({ checked: { release: '9.0' } });
    expect(t.store.get('meta', 'faq:seed-checked')).toMatchObject({ count: 1 });
  });
});

describe('"did this help?" needs no account but is limited', () => {
  it('when one address answers too often, then it gets 429 and nothing more is stored', async () => {
    const limited = await buildApp({ RATE_LIMIT_FEEDBACK: '2' });
    try {
      const visitor = request.agent(limited.app);
      const page = await visitor.get('/faq/kubectl-refused');
      for (const helpful of ['1', '0']) await visitor.post('/faq/kubectl-refused/votes').type('form').send({ _csrf: csrfFrom(page.text), helpful }).expect(303);
      await visitor.post('/workshops/demo-install/steps/prepare/feedback').type('form').send({ _csrf: csrfFrom(page.text), helpful: '1' }).expect(429);
      expect(limited.store.count('stepFeedback')).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
