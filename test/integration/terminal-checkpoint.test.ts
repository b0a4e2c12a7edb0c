import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { csrfFrom, signUp } from '../support/app.ts';
import { listeningApp, type ListeningApp } from '../support/listening.ts';
import { openSse, type SseStream } from '../support/sse.ts';

const run = promisify(execFile);
const UNLOCK = '/workshops/demo-install/steps/unlock';

// What `system host-list` prints on a controller, before and after the unlock.
const table = (admin: string, oper: string, avail: string) => [
  '+----+--------------+-------------+----------------+-------------+--------------+',
  '| id | hostname     | personality | administrative | operational | availability |',
  '+----+--------------+-------------+----------------+-------------+--------------+',
  `| 1  | controller-0 | controller  | ${admin.padEnd(14)} | ${oper.padEnd(11)} | ${avail.padEnd(12)} |`,
  '+----+--------------+-------------+----------------+-------------+--------------+',
  '',
].join('\n');
const LOCKED = table('locked', 'disabled', 'online');
const UNLOCKED = table('unlocked', 'enabled', 'available');

let s: ListeningApp;
const streams: SseStream[] = [];
beforeEach(async () => {
  s = await listeningApp();
});
afterEach(async () => {
  for (const st of streams.splice(0)) st.close();
  await s.close();
});

const unescapeHtml = (html: string) => html.replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A learner with a "checkpoints only" token made on the account page; the one-liner their step page shows. */
async function learner(name = 'lea') {
  const agent = await signUp(s.t.app, name);
  const account = await agent.get('/account');
  const made = await agent.post('/account/tokens').type('form').send({ _csrf: csrfFrom(account.text), name: 'controller-0', scope: 'checkpoints' }).expect(200);
  const token = /<code id="new-token">(onr_[\w-]+)<\/code>/.exec(made.text)![1]!;
  expect(made.text).toContain(`export ONRAMP_TOKEN=${token}`);
  const page = await agent.get(UNLOCK).expect(200);
  const box = /<div class="terminal-checkpoint"[\s\S]*?<pre><code>([^<]+)<\/code><\/pre>/.exec(page.text);
  expect(box).toBeTruthy();
  return { agent, token, line: unescapeHtml(box![1]!) };
}

/**
 * Runs the page's one-liner in bash, as the learner would on the controller, with `system` standing
 * in for the StarlingX client (a shell function that prints what the real one prints).
 */
async function runOnController(line: string, token: string, output: string): Promise<string> {
  // stdin is not a socket, or bash would take itself for a remote shell and read ~/.bashrc.
  const child = spawn('bash', ['-c', `system() { printf '%s' "$FAKE_OUTPUT"; }\n${line}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ONRAMP_TOKEN: token, FAKE_OUTPUT: output },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

describe('checkpoints from the terminal', () => {
  it('when the learner pipes the command’s output through the page’s one-liner with real curl, then the terminal reads the verdict and progress follows', async () => {
    const { agent, token, line } = await learner();
    expect(line).toBe(`system host-list 2>&1 | curl -sS --data-binary @- -H "Authorization: Bearer $ONRAMP_TOKEN" -H "Content-Type: text/plain" -H "Accept: text/plain" ${s.base}/api/me/progress/demo-install/unlock/checkpoint`);

    const failed = await runOnController(line, token, LOCKED);
    expect(failed).toBe(
      'NOT YET  Unlock the controller (step 2 of 3)\n' +
        'The output shows a known problem:\n' +
        '  The host is still locked. Run `system host-unlock controller-0`.\n' +
        `Details: ${s.base}${UNLOCK}?attempt=1#checkpoint-result\n`,
    );
    expect(failed).not.toMatch(/\u001b/);
    expect((await agent.get('/api/me/progress/demo-install')).body.steps.unlock).toMatchObject({ done: false, checkpoint: { passed: false, attempts: 1 } });
    // Without JavaScript, the page shows the terminal's verdict on reload, and its address shows it in full.
    const page = await agent.get(UNLOCK);
    expect(page.text).toContain('Your latest check');
    expect(page.text).toContain(`href="?attempt=1#checkpoint-result"`);
    expect((await agent.get(`${UNLOCK}?attempt=1`)).text).toContain('The host is still locked.');

    const passed = await runOnController(line, token, UNLOCKED);
    expect(passed).toBe(
      'PASSED  Unlock the controller (step 2 of 3)\n' +
        'That output looks right.\n' +
        `1 of 3 steps done. Next: ${s.base}/workshops/demo-install/steps/verify\n`,
    );
    const after = await agent.get(UNLOCK);
    expect(after.text).toContain('You passed this checkpoint earlier.');
    expect(after.text).toContain('You marked this step done.');
    expect((await agent.get('/api/me/progress/demo-install')).body).toMatchObject({ done: 1, steps: { unlock: { done: true, checkpoint: { passed: true, attempts: 2 } } } });
  });

  it('when colour is asked for, then the verdict word is coloured; errors come back as text a terminal can show', async () => {
    const { token } = await learner();
    const curl = (url: string, ...extra: string[]) =>
      run('curl', ['-sS', '--data-binary', '@-', '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: text/plain', '-H', 'Accept: text/plain', ...extra, url], { timeout: 10_000 });
    const url = `${s.base}/api/me/progress/demo-install/unlock/checkpoint`;
    const colored = run('curl', ['-sS', '--data-binary', LOCKED, '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: text/plain', '-H', 'Accept: text/plain', `${url}?color=1`], { timeout: 10_000 });
    expect((await colored).stdout).toMatch(/^\u001b\[31;1mNOT YET\u001b\[0m {2}Unlock the controller/);

    const child = curl(url, '-w', '%{http_code}');
    child.child.stdin!.end('x'.repeat(700 * 1024));
    const big = (await child).stdout;
    expect(big).toMatch(/^ERROR {2}The request is too large\.\nOnly the end of an output is checked: put `\| tail -c 16000` before `\| curl`\.\n413$/);

    const bad = await run('curl', ['-sS', '--data-binary', 'x', '-H', 'Authorization: Bearer onr_not-a-real-token-at-all-0000000000', '-H', 'Content-Type: text/plain', '-H', 'Accept: text/plain', url], { timeout: 10_000 });
    expect(bad.stdout).toBe('ERROR  The access token is not valid.\n');
  });

  it('when text is sent to any other route, then it is refused as before: the text body is for the checkpoint only', async () => {
    const all = await signUp(s.t.app, 'other');
    const page = await all.get('/account');
    const made = await all.post('/account/tokens').type('form').send({ _csrf: csrfFrom(page.text), name: 'all', scope: 'all' });
    const everything = /<code id="new-token">(onr_[\w-]+)<\/code>/.exec(made.text)![1]!;
    const refused = await request(s.t.app).post('/api/faq/search').set('Authorization', `Bearer ${everything}`).type('text/plain').send('error: something');
    expect(refused.status).toBe(415);
    const json = await request(s.t.app).put('/api/me/progress/demo-install/unlock').set('Authorization', `Bearer ${everything}`).type('text/plain').send('{"done":true}');
    expect(json.status).toBe(415);
  });

  it('when the learner has the step open, then the verdict from the terminal reaches their own stream only, and signing out ends it', async () => {
    const { agent, token, line } = await learner();
    const other = await learner('olaf');
    const cookie = (a: typeof agent) => (a as unknown as { jar: { getCookies: (o: object) => { toValueString: () => string }[] } }).jar
      .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((c) => c.toValueString()).join('; ');
    const mine = await openSse(s.base, '/api/me/events?workshop=demo-install&step=unlock', { cookie: cookie(agent) });
    const theirs = await openSse(s.base, '/api/me/events?workshop=demo-install&step=unlock', { cookie: cookie(other.agent) });
    streams.push(mine, theirs);
    expect(mine.status).toBe(200);
    expect(JSON.parse((await mine.next((e) => e.event === 'latest')).data)).toEqual({ step: 'unlock', attempt: 0 });

    const sent = Date.now();
    await runOnController(line, token, LOCKED);
    const verdict = await mine.next((e) => e.event === 'checkpoint');
    expect(JSON.parse(verdict.data)).toEqual({ step: 'unlock', attempt: 1, passed: false });
    expect(Date.now() - sent).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(theirs.events.filter((e) => e.event === 'checkpoint')).toEqual([]);

    // A stream on another step hears nothing of this one.
    const elsewhere = await openSse(s.base, '/api/me/events?workshop=demo-install&step=verify', { cookie: cookie(agent) });
    streams.push(elsewhere);
    await runOnController(line, token, UNLOCKED);
    expect(JSON.parse((await mine.next((e) => e.event === 'checkpoint' && e.data.includes('"attempt":2'))).data).passed).toBe(true);
    expect(elsewhere.events.filter((e) => e.event === 'checkpoint')).toEqual([]);

    const page = await agent.get('/account');
    await agent.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) }).expect(302);
    await Promise.race([mine.ended, new Promise((_, fail) => setTimeout(() => fail(new Error('the stream outlived the sign-out')), 2000))]);
  });

  it('when the stream is asked for without an account, or a "checkpoints only" token, then it is refused', async () => {
    const { token } = await learner();
    expect((await request(s.t.app).get('/api/me/events?workshop=demo-install&step=unlock')).status).toBe(401);
    expect((await request(s.t.app).get('/api/me/events?workshop=demo-install&step=unlock').set('Authorization', `Bearer ${token}`)).status).toBe(403);
  });
});
