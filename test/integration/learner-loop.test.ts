import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildApp();
});
afterAll(() => t.close());

const STEPS = '/workshops/demo-install/steps';

async function markDone(agent: request.Agent, step: string) {
  const page = await agent.get(`${STEPS}/${step}`);
  await agent.post(`${STEPS}/${step}/progress`).type('form').send({ _csrf: csrfFrom(page.text), done: '1' }).expect(303);
}

describe('a returning learner resumes where they left off', () => {
  it('when a learner comes back, then home and the dashboard offer "Resume: Step N – title" at the first step not done', async () => {
    const agent = await signUp(t.app, 'returner');
    // A newcomer is not greeted as a returning learner.
    expect((await agent.get('/')).text).not.toContain('Welcome back');
    await markDone(agent, 'prepare');
    // They peeked ahead at step 3 without doing step 2: resuming means step 2.
    await agent.get(`${STEPS}/verify`).expect(200);
    const home = await agent.get('/');
    expect(home.text).toContain('Welcome back');
    expect(home.text).toMatch(/<a class="button" id="resume-button" href="\/workshops\/demo-install\/steps\/unlock">Resume: Step 2 – Unlock the controller<\/a>/);
    expect(home.text).toContain('You are 1 of 3 steps into “Demo install”.');
    const dashboard = await agent.get('/dashboard');
    expect(dashboard.text).toMatch(/href="\/workshops\/demo-install\/steps\/unlock">Resume: Step 2 – Unlock the controller</);
    const overview = await agent.get('/workshops/demo-install');
    expect(overview.text).toMatch(/href="\/workshops\/demo-install\/steps\/unlock" id="start-button">\s*Resume/);

    await markDone(agent, 'unlock');
    await markDone(agent, 'verify');
    // Finished: nothing to resume, the dashboard offers a look back instead.
    expect((await agent.get('/')).text).not.toContain('Welcome back');
    expect((await agent.get('/dashboard')).text).toContain('Finished: review the steps');
  });
});

describe('learning paths count the guides read', () => {
  it('when a learner reads a guide of a path, then the path, the dashboard and home count it as a part done', async () => {
    const agent = await signUp(t.app, 'reader');
    let dashboard = await agent.get('/dashboard');
    expect(dashboard.text).toContain('0 of 2 parts done');
    expect(dashboard.text).not.toContain('0 of 0');
    await agent.get('/guides/demo-guide').expect(200);
    const path = await agent.get('/paths/demo-path');
    expect(path.text).toContain('1 of 2 parts done');
    expect(path.text).toMatch(/<li class="done"><span class="muted">Guide<\/span>\s*<span class="status">Read<\/span>/);
    dashboard = await agent.get('/dashboard');
    expect(dashboard.text).toContain('1 of 2 parts done');
    expect((await agent.get('/')).text).toContain('1 of 2 parts done');
    // Reading it again writes nothing.
    const commits = t.store.stats.commits;
    await agent.get('/guides/demo-guide').expect(200);
    expect(t.store.stats.commits).toBe(commits);
    for (const step of ['prepare', 'unlock', 'verify']) await markDone(agent, step);
    expect((await agent.get('/paths/demo-path')).text).toContain('2 of 2 parts done');
  });

  it('when a visitor marks a guide as read and then signs up, then the read comes with them', async () => {
    const visitor = request.agent(t.app);
    const guide = await visitor.get('/guides/demo-guide').expect(200);
    // A visitor who saved nothing gets no cookie from reading, and a button instead.
    expect(String(guide.headers['set-cookie'] ?? '')).not.toContain('visitor');
    expect(guide.text).toContain('Mark as read');
    await visitor.post('/guides/demo-guide/read').type('form').send({ _csrf: csrfFrom(guide.text) }).expect(303);
    expect((await visitor.get('/paths/demo-path')).text).toContain('1 of 2 parts done');
    expect((await visitor.get('/guides/demo-guide')).text).toContain('You have read this guide');
    const signup = await visitor.get('/signup');
    await visitor.post('/signup').type('form').send({ _csrf: csrfFrom(signup.text), username: 'late-joiner', password: 'correct horse battery' }).expect(302);
    expect((await visitor.get('/dashboard')).text).toContain('1 of 2 parts done');
    const user = t.ports.users.byUsername('late-joiner')!;
    expect(t.ports.progress.guidesRead(user.id)).toEqual(new Set(['demo-guide']));
  });
});

const STEP = '/workshops/demo-install/steps/unlock';

describe('"I\'m stuck" at the top of every step', () => {
  it.each(['prepare', 'unlock', 'verify'])('when step %s is opened, then "I\'m stuck" is in the bar above the step, with the step\'s entries, the paste search and "Ask the community"', async (step) => {
    const res = await request(t.app).get(`/workshops/demo-install/steps/${step}`).expect(200);
    const bar = res.text.slice(res.text.indexOf('<div class="step-bar">'), res.text.indexOf('<div class="step-layout">'));
    expect(res.text.indexOf('<div class="step-bar">')).toBeLessThan(res.text.indexOf('<h1>'));
    expect(bar).toContain('<summary id="stuck-title">I&#39;m stuck</summary>');
    expect(bar).toContain('<textarea id="stuck-q" name="q"');
    expect(bar).toContain(`<a href="/ask?workshop=demo-install&amp;step=${step}">Write your question</a>`);
    expect(bar).toContain('<a href="/guides/getting-help">Getting help</a> · <a href="/guides/office-hours">Office hours</a>');
    // On a phone the bar also holds the list of steps.
    expect(bar).toMatch(/<details class="steps-drawer">\s*<summary>Step \d of 3/);
  });

  it('when a step has troubleshooting entries linked, then the panel lists them', async () => {
    const res = await request(t.app).get(STEP).expect(200);
    const bar = res.text.slice(res.text.indexOf('<div class="step-bar">'), res.text.indexOf('<div class="step-layout">'));
    expect(bar).toContain('href="/faq/host-stays-locked"');
  });
});

describe('"Ask the community"', () => {
  it('when a learner asks from a step, then the question template carries the release, their configuration, the step and what to collect', async () => {
    const agent = request.agent(t.app);
    const step = await agent.get(STEP);
    await agent.post('/profile').type('form').send({ _csrf: csrfFrom(step.text), deployment: 'aio-sx', platform: 'virtualbox', next: STEP }).expect(303);
    const res = await agent.get('/ask?workshop=demo-install&step=unlock').expect(200);
    const q = /<code id="question">([\s\S]*?)<\/code>/.exec(res.text)![1]!;
    expect(q).toContain('Subject: [StarlingX 9.0, AIO-SX] Unlock the controller: &lt;what fails, in a few words&gt;');
    expect(q).toContain('- Release: StarlingX 9.0');
    expect(q).toContain('- Configuration: AIO-SX on VirtualBox');
    expect(q).toContain('- Where I am: &#34;Demo install&#34;, step 2 &#34;Unlock the controller&#34; (install phase: unlock)');
    expect(q).toContain('http://127.0.0.1:3000/workshops/demo-install/steps/unlock');
    expect(q).toContain('The command that fails');
    expect(q).toContain('I ran `collect` as sysadmin');
    expect(res.text).toContain('<a href="/guides/getting-help">Getting help</a>');
    expect(res.text).toContain('<a href="/guides/office-hours">Office hours</a>');
    expect(res.text).toContain('href="/workshops/demo-install/steps/unlock">← Back to “Unlock the controller”');
  });

  it('when a checkpoint fails, then "Ask the community" puts the learner\'s own output in the question, and nobody else\'s', async () => {
    const agent = await signUp(t.app, 'asker');
    const page = await agent.get(STEP);
    const output = '| 1  | controller-0 | controller  | locked | disabled | online |';
    const posted = await agent.post(`${STEP}/checkpoint`).type('form').send({ _csrf: csrfFrom(page.text), output }).expect(303);
    const verdict = await agent.get(posted.headers.location!);
    const ask = /href="(\/ask\?[^"]+)">Ask the community<\/a>/.exec(verdict.text)![1]!.replace(/&amp;/g, '&');
    expect(ask).toBe('/ask?workshop=demo-install&step=unlock&attempt=1');
    const mine = await agent.get(ask).expect(200);
    expect(mine.text).toContain('    | 1  | controller-0 | controller  | locked | disabled | online |');
    const stranger = await request(t.app).get(ask).expect(200);
    expect(stranger.text).not.toContain('controller-0 | controller  | locked');
  });

  it('when it is opened without a step, then the template still asks for everything', async () => {
    const res = await request(t.app).get('/ask').expect(200);
    expect(res.text).toContain('- Release: StarlingX &lt;fill in&gt;');
    expect(res.text).toContain('- Where I am: &lt;fill in&gt;');
  });
});
