import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildApp();
});
afterAll(() => t.close());

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const answersFile = (answers: { step: string; output: string }[], over: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'onramp-offline-answers', version: 1, workshop: 'demo-install', release: '9.0', exportedAt: '2026-12-01T10:00:00Z', answers, ...over });
const UNLOCKED = '| 1  | controller-0 | controller  | unlocked | enabled | available |';
const LOCKED = '| 1  | controller-0 | controller  | locked | disabled | online |';

describe('the offline copy of a workshop', () => {
  it('when a learner downloads it, then it is one HTML file that loads nothing, says what it was checked against, and holds nothing personal', async () => {
    const agent = await signUp(t.app, 'offline-owner');
    const res = await agent.get('/workshops/demo-install/offline').expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename=onramp-demo-install-9.0.html');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    // Nothing to fetch: no external or local stylesheet, script, image or frame.
    expect(html).not.toMatch(/<(?:script|img|iframe|source|video|audio)[^>]+src=|<link[^>]+rel="stylesheet"/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(style).toContain('.code-block');
    expect(style).toContain('@media print');
    expect(script).toContain('onramp-offline-answers');
    // Its own policy allows exactly its one style and one script, and no network.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toBe(`default-src 'none'; style-src ${sha(style)}; script-src ${sha(script)}; img-src data:; base-uri 'none'; form-action 'none'`);
    // Every step, with its provenance; its own links lead within the file, others to the site.
    expect(html.match(/<section class="takeaway-step"/g)).toHaveLength(3);
    expect(html).toContain('Checked against <strong>StarlingX 9.0</strong> on <time datetime="2026-11-30">');
    expect(html).toContain('href="#step-verify"');
    expect(html).toContain('href="http://127.0.0.1:3000/faq/host-stays-locked"');
    expect(html).toContain('<textarea id="answer-unlock"');
    // The file will be shared: no session token, no name.
    expect(html).not.toContain('_csrf');
    expect(html).not.toContain('offline-owner');
  });

  it('when a workshop has no such copy, then the address says so', async () => {
    await request(t.app).get('/workshops/no-such-workshop/offline').expect(404);
    await request(t.app).get('/workshops/no-such-workshop/print').expect(404);
  });
});

describe('checking offline answers', () => {
  it('when a visitor gives the answers file, then every checkpoint in it is checked in one go and recorded as their progress', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/workshops/demo-install/offline-answers').expect(200);
    expect(page.text).toContain('Check my offline answers');
    const res = await agent
      .post('/workshops/demo-install/offline-answers')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), answers: answersFile([{ step: 'unlock', output: UNLOCKED }, { step: 'not-a-step', output: 'x' }], { release: '8.0' }) })
      .expect(303);
    expect(res.headers.location).toBe('/workshops/demo-install/offline-answers?checked=unlock.1#results');
    const results = await agent.get(res.headers.location!).expect(200);
    expect(results.text).toContain('1 of 1 checkpoint passed. Your copy was for release 8.0; the workshop is now written for 9.0. Left out, not checkpoints of this workshop: not-a-step.');
    expect(results.text).toContain('Checkpoint passed; the step is marked done.');
    expect(results.text).toContain('href="/workshops/demo-install/steps/unlock?attempt=1#checkpoint-result"');
    const overview = await agent.get('/workshops/demo-install').expect(200);
    expect(overview.text).toContain('1 of 3 steps done');
    // The verdicts' address shows nothing to someone else.
    const stranger = await request(t.app).get(res.headers.location!).expect(200);
    expect(stranger.text).not.toContain('Checkpoint passed');
  });

  it('when a signed-in learner checks answers that fail, then the attempt is recorded with the hint, and nothing is marked done', async () => {
    const agent = await signUp(t.app, 'offline-learner');
    const page = await agent.get('/workshops/demo-install/offline-answers');
    const res = await agent.post('/workshops/demo-install/offline-answers').type('form').send({ _csrf: csrfFrom(page.text), answers: answersFile([{ step: 'unlock', output: LOCKED }]) }).expect(303);
    const results = await agent.get(res.headers.location!);
    expect(results.text).toContain('0 of 1 checkpoint passed.');
    expect(results.text).toContain('The host is still locked.');
    const id = t.ports.users.byUsername('offline-learner')!.id;
    const summary = t.ports.progress.summary(id, 'demo-install');
    expect(summary.done).toBe(0);
    expect(summary.steps.unlock!.checkpoint).toMatchObject({ passed: false, attempts: 1 });
  });

  it('when the form is not what it should be, then nothing is recorded and the learner is told why', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/workshops/demo-install/offline-answers');
    const csrf = csrfFrom(page.text);
    const post = (answers: string) => agent.post('/workshops/demo-install/offline-answers').type('form').send({ _csrf: csrf, answers });
    await agent.post('/workshops/demo-install/offline-answers').type('form').send({ answers: answersFile([{ step: 'unlock', output: UNLOCKED }]) }).expect(403);
    expect((await post('{ not json').expect(422)).text).toContain('Paste the whole file, from { to }.');
    expect((await post(JSON.stringify({ hello: 'world' })).expect(422)).text).toContain('This is not an answers file exported from an offline copy');
    expect((await post(answersFile([{ step: 'unlock', output: UNLOCKED }], { workshop: 'aio-simplex-virtual' })).expect(422)).text).toContain('These answers are for the workshop “aio-simplex-virtual”');
    expect((await post(answersFile([{ step: 'prepare', output: 'no checkpoint here' }])).expect(422)).text).toContain('The file holds no answer to a checkpoint of this workshop.');
    const long = Array.from({ length: 4 }, () => ({ step: 'unlock', output: 'x'.repeat(15 * 1024) }));
    expect((await post(answersFile(long)).expect(422)).text).toContain('The file is larger than 56 KB');
    const big = await agent.post('/workshops/demo-install/offline-answers').type('form').send({ _csrf: csrf, answers: 'z'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect((await post('   ').expect(422)).text).toContain('Choose the answers file, or paste it.');
    const overview = await agent.get('/workshops/demo-install');
    expect(overview.text).not.toContain('1 of 3 steps done');
  });
});
