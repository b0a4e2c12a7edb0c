import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, FIXTURES, type TestApp } from '../support/app.ts';

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

describe('the home page cards', () => {
  it('when a visitor follows a card on the home page, then it leads to the page its link names', async () => {
    const root = join(FIXTURES, '..', '..');
    const real = await buildApp({ CONTENT_DIR: join(root, 'workshops'), SEED_DIR: join(root, 'seed') });
    try {
      const home = await request(real.app).get('/').expect(200);
      const goals = home.text.slice(home.text.indexOf('id="goals"'), home.text.indexOf('</section>', home.text.indexOf('id="goals"')));
      const links = [...goals.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1]!, label: m[2]! }));
      expect(links.length).toBeGreaterThanOrEqual(10);
      for (const { href, label } of links) {
        if (href === '/faq/new') {
          expect(label).toBe('Write a troubleshooting entry');
          continue;
        }
        const page = await request(real.app).get(href);
        expect(page.status, href).toBe(200);
        const h1 = /<h1>([^<]+)<\/h1>/.exec(page.text)![1]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&#34;/g, '"');
        expect(h1, href).toBe(label.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&#34;/g, '"'));
      }
    } finally {
      await real.close();
    }
  });
});
