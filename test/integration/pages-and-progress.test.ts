import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, logIn, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildApp();
});
afterEach(async () => {
  await t.close();
});

const STEP = '/workshops/demo-install/steps/prepare';

async function markDone(agent: request.Agent, path: string, done = '1') {
  const page = await agent.get(path);
  return agent.post(`${path}/progress`).type('form').send({ _csrf: csrfFrom(page.text), done });
}

describe('reading', () => {
  it('when a newcomer opens the home page, then it explains where to start and lists workshops and guides', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).toContain('What do you want to do?');
    expect(res.text).toContain('Demo install');
    expect(res.text).toContain('Demo guide');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined(); // plain http in tests
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('when the catalog is filtered, then only matching workshops are listed', async () => {
    expect((await request(t.app).get('/workshops?level=beginner&deployment=aio-sx')).text).toContain('Demo install');
    const none = await request(t.app).get('/workshops?level=advanced').expect(200);
    expect(none.text).not.toContain('Demo install');
    expect(none.text).toContain('No workshop matches');
  });

  it('when a workshop is opened, then objectives, prerequisites, steps and a Start button are shown', async () => {
    const res = await request(t.app).get('/workshops/demo-install').expect(200);
    expect(res.text).toContain('Finish three steps');
    expect(res.text).toContain('A test runner');
    expect(res.text).toMatch(/href="\/workshops\/demo-install\/steps\/prepare" id="start-button">\s*Start/);
    // The steps come first, right under the Start button, not after the long introduction.
    expect(res.text.indexOf('id="steps"')).toBeLessThan(res.text.indexOf('Finish three steps'));
    expect(res.text.indexOf('id="steps"')).toBeLessThan(res.text.indexOf('This workshop exists for the test suite'));
  });

  it('when a step is opened, then it shows the rendered Markdown, copy button, progress bar and pager', async () => {
    const res = await request(t.app).get(STEP).expect(200);
    expect(res.text).toContain('Step 1 of 3');
    expect(res.text).toContain('class="copy-btn"');
    expect(res.text).toContain('<progress value="0" max="3"');
    expect(res.text).toContain('rel="next" href="/workshops/demo-install/steps/unlock"');
  });

  it('when a learning path is opened, then its guides and workshops are listed in order with progress', async () => {
    const agent = request.agent(t.app);
    await markDone(agent, STEP);
    const res = await agent.get('/paths/demo-path').expect(200);
    expect(res.text).toContain('<h1>Demo path</h1>');
    expect(res.text.indexOf('Demo guide')).toBeLessThan(res.text.indexOf('Demo install'));
    expect(res.text).toContain('1 of 3 steps done');
    await request(t.app).get('/paths/nope').expect(404);
  });

  it('when the guides are opened, then each guide renders', async () => {
    expect((await request(t.app).get('/guides').expect(200)).text).toContain('Demo guide');
    expect((await request(t.app).get('/guides/demo-guide').expect(200)).text).toContain('href="/workshops/demo-install"');
  });

  it('when a slug tries to walk the file system, then the answer is a plain 404', async () => {
    for (const path of ['/workshops/..%2F..%2Fetc%2Fpasswd', '/workshops/%2e%2e%2f%2e%2e%2fsecrets', '/workshops/intro%00.md',
      '/workshops/demo-install/steps/..%2F..%2Fpackage', '/guides/..%5C..%5Cwin', '/workshops/__proto__', '/workshops/constructor']) {
      const res = await request(t.app).get(path);
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    const bad = await request(t.app).get('/workshops/%C0%AE%C0%AE%2F');
    expect([400, 404]).toContain(bad.status);
  });

  it('when data files or dotfiles are probed, then nothing is served', async () => {
    for (const path of ['/data/store/users.00.json', '/static/../package.json', '/static/..%2f..%2fpackage.json', '/.env', '/.git/config', '/static/.gitignore']) {
      expect((await request(t.app).get(path)).status).toBe(404);
    }
  });
});

describe('progress without an account', () => {
  it('when a visitor marks a step done, then it is kept in their browser session and the next step opens', async () => {
    const agent = request.agent(t.app);
    const res = await markDone(agent, STEP);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/workshops/demo-install/steps/unlock');
    const overview = await agent.get('/workshops/demo-install');
    expect(overview.text).toContain('1 of 3 steps done');
    expect(overview.text).toMatch(/Resume/);
    // another visitor sees nothing of it
    expect((await request(t.app).get('/workshops/demo-install')).text).toContain('0 of 3 steps done');
  });

  it('when learners read a step page, then its step lists (drawer and sidebar) mark the current step and only their own steps done', async () => {
    const doneOf = (html: string) => [...html.matchAll(/<li class="done"><a href="[^"]+\/steps\/([a-z0-9-]+)"/g)].map((m) => m[1]);
    const currentOf = (html: string) => [...html.matchAll(/<a href="[^"]+\/steps\/([a-z0-9-]+)" aria-current=step>/g)].map((m) => m[1]);
    const ada = await signUp(t.app, 'ada');
    const bob = await signUp(t.app, 'bob');
    await markDone(ada, STEP);
    const adaPage = (await ada.get('/workshops/demo-install/steps/unlock').expect(200)).text;
    expect(doneOf(adaPage)).toEqual(['prepare', 'prepare']);
    expect(currentOf(adaPage)).toEqual(['unlock', 'unlock']);
    expect(adaPage).toContain('<span class="sr-only"> (done)</span>');
    // The same step for someone with nothing done, then after their own progress changes.
    const bobPage = (await bob.get('/workshops/demo-install/steps/unlock').expect(200)).text;
    expect(doneOf(bobPage)).toEqual([]);
    await markDone(bob, '/workshops/demo-install/steps/verify');
    expect(doneOf((await bob.get('/workshops/demo-install/steps/unlock')).text)).toEqual(['verify', 'verify']);
    expect(currentOf((await ada.get(STEP)).text)).toEqual(['prepare', 'prepare']);
  });

  it('when a visitor undoes a step, then it is no longer done', async () => {
    const agent = request.agent(t.app);
    await markDone(agent, STEP);
    await markDone(agent, STEP, '0');
    expect((await agent.get('/workshops/demo-install')).text).toContain('0 of 3 steps done');
  });

  it('when a visitor signs up, then the progress they made comes with them', async () => {
    const agent = request.agent(t.app);
    await markDone(agent, STEP);
    const page = await agent.get('/signup');
    await agent.post('/signup').type('form').send({ _csrf: csrfFrom(page.text), username: 'newbie', password: 'long enough pass' }).expect(302);
    expect((await agent.get('/dashboard')).text).toContain('1 of 3 steps done');
    // and it is on the account, not just the cookie: a fresh login sees it
    const again = await logIn(t.app, 'newbie', 'long enough pass');
    expect((await again.get('/workshops/demo-install')).text).toContain('1 of 3 steps done');
  });

  it('when a visitor with progress logs in to an existing account, then both are merged', async () => {
    const owner = await signUp(t.app, 'merger');
    await markDone(owner, '/workshops/demo-install/steps/verify');
    const visitor = request.agent(t.app);
    await markDone(visitor, STEP);
    const page = await visitor.get('/login');
    await visitor.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'merger', password: 'correct horse battery' }).expect(302);
    expect((await visitor.get('/workshops/demo-install')).text).toContain('2 of 3 steps done');
  });
});

describe('checkpoints on the step page', () => {
  const UNLOCK = '/workshops/demo-install/steps/unlock';

  it('when the pasted output shows a locked host, then the page explains what it means', async () => {
    const agent = await signUp(t.app, 'checker');
    const page = await agent.get(UNLOCK);
    const posted = await agent.post(`${UNLOCK}/checkpoint`).type('form').send({
      _csrf: csrfFrom(page.text),
      output: '| 1  | controller-0 | controller  | locked         | disabled    | online       |',
    });
    // Post, then redirect to an address that shows the verdict: reloading it resubmits nothing.
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`${UNLOCK}?attempt=1#checkpoint-result`);
    const res = await agent.get(posted.headers.location!).expect(200);
    expect((await agent.get(posted.headers.location!)).text).toContain('The host is still locked.');
    expect(res.text).toContain('Not yet.');
    expect(res.text).toContain('The host is still locked.');
  });

  it('when the output is right, then the checkpoint passes and is remembered', async () => {
    const agent = await signUp(t.app, 'checker2');
    const page = await agent.get(UNLOCK);
    const posted = await agent.post(`${UNLOCK}/checkpoint`).type('form').send({
      _csrf: csrfFrom(page.text),
      output: '| 1  | controller-0 | controller  | unlocked       | enabled     | available    |',
    });
    const res = await agent.get(posted.headers.location!).expect(200);
    expect(res.text).toContain('Checkpoint passed.');
    expect((await agent.get(UNLOCK)).text).toContain('You passed this checkpoint earlier.');
    // Somebody else opening the same address sees the step, not this learner's verdict.
    const other = await request(t.app).get(posted.headers.location!).expect(200);
    expect(other.text).not.toContain('Checkpoint passed.');
  });

  it('when the paste is larger than 16 KB, then its last 16 KB are checked and the page says so', async () => {
    const agent = await signUp(t.app, 'checker3');
    const page = await agent.get(UNLOCK);
    const tail = '| 1  | controller-0 | controller  | unlocked       | enabled     | available    |';
    const posted = await agent.post(`${UNLOCK}/checkpoint`).type('form').send({ _csrf: csrfFrom(page.text), output: `${'noise line\n'.repeat(2000)}${tail}` }).expect(303);
    const res = await agent.get(posted.headers.location!);
    expect(res.text).toContain('Checkpoint passed.');
    expect(res.text).toContain('only its last 16 KB');
  });
});

describe('restart', () => {
  it('when the server restarts, then the signed-in session and the progress survive', async () => {
    const agent = await signUp(t.app, 'survivor');
    await markDone(agent, STEP);
    const cookie = (await agent.get('/dashboard')).request.cookies;
    t = await t.restart();
    const res = await request(t.app).get('/dashboard').set('Cookie', cookie).expect(200);
    expect(res.text).toContain('survivor');
    expect(res.text).toContain('1 of 3 steps done');
    const overview = await request(t.app).get('/workshops/demo-install').set('Cookie', cookie);
    expect(overview.text).toMatch(/href="\/workshops\/demo-install\/steps\/unlock" id="start-button">\s*Resume/);
  });
});

describe('visitors who only read', () => {
  it('when many visitors only read pages with forms, then nothing is written; their first saved step is', async () => {
    const before = t.store.stats.commits;
    const visitors = Array.from({ length: 30 }, () => request.agent(t.app));
    for (const v of visitors) await v.get(STEP).expect(200);
    expect(t.store.stats.commits).toBe(before);
    // the token in their form still works, and saving progress makes the session durable
    const res = await markDone(visitors[0]!, STEP);
    expect(res.status).toBe(303);
    expect(t.store.stats.commits).toBeGreaterThan(before);
    const cookie = (await visitors[0]!.get('/dashboard')).request.cookies;
    t = await t.restart();
    expect((await request(t.app).get('/workshops/demo-install').set('Cookie', cookie)).text).toContain('1 of 3 steps done');
  });
});
