import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, type TestApp } from '../support/app.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

/**
 * A newcomer pastes what the terminal shows: a whole scrollback of tables. A form encodes `|`, `+` and
 * newlines as three bytes each, so 40 KB on screen is well over 64 KB on the wire; every form that takes
 * a paste must still take it.
 */
const ROW = '| 1  | controller-0 | controller  | locked         | disabled    | online       |\n+----+--------------+-------------+----------------+-------------+--------------+\n';
const scrollback = (kb: number) => ROW.repeat(Math.ceil((kb * 1024) / ROW.length));
const wireBytes = (s: string) => new URLSearchParams({ s }).toString().length;

describe('pastes of real size', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  it('when 100 KB of terminal output ending in an error is pasted into the search, then it is read, the page says its last 64 KB were, and the entry matches', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/faq');
    const q = `${scrollback(100)}[sysadmin@controller-0 ~(keystone_admin)]$ kubectl get pods\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?`;
    expect(wireBytes(q)).toBeGreaterThan(100 * 1024);
    const posted = await agent.post('/faq').type('form').send({ _csrf: csrfFrom(page.text), q }).expect(303);
    expect(posted.headers.location).toContain('cut=1');
    const res = await agent.get(posted.headers.location!).expect(200);
    expect(res.text).toContain('its last 64 KB were read');
    expect(res.text).toMatch(/data-rank="1"[^>]*>\s*<h3 class="h3"><a href="\/faq\/kubectl-refused"/);
  });

  it('when 60 KB of scrollback is pasted into a checkpoint, then the host-list at its end decides the verdict', async () => {
    const agent = await signUp(t.app, 'long-paster');
    const page = await agent.get('/workshops/demo-install/steps/unlock');
    const alarms = '| 100.114 | NTP address 192.168.1.10 is not a valid or a reachable NTP server. | host=controller-0.ntp=192.168.1.10 | minor |\n+---------+\n';
    const output = `${alarms.repeat(Math.ceil((60 * 1024) / alarms.length))}| 1  | controller-0 | controller  | unlocked       | enabled     | available    |\n`;
    expect(wireBytes(output)).toBeGreaterThan(64 * 1024);
    const posted = await agent.post('/workshops/demo-install/steps/unlock/checkpoint').type('form').send({ _csrf: csrfFrom(page.text), output }).expect(303);
    const res = await agent.get(posted.headers.location!).expect(200);
    expect(res.text).toContain('Checkpoint passed.');
  });

  it('when an FAQ entry has a 16 KB fix full of tables and non-Latin text, then the form takes it', async () => {
    const agent = await signUp(t.app, 'table-writer');
    const page = await agent.get('/faq/new');
    const fix = `Check the hosts (中文说明):\n\n\`\`\`\n${scrollback(15)}\`\`\``.slice(0, 16 * 1024 - 4) + '\n```';
    const cause = '控制器的时钟不对。'.repeat(1500);
    expect(wireBytes(fix + cause)).toBeGreaterThan(128 * 1024);
    await agent
      .post('/faq/new')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), title: 'Host list shows the controller locked after a long wait', phase: 'unlock', deployment: 'aio-sx', release: '9.0', errorText: '', cause, fix, sources: '', tags: '', action: 'submit' })
      .expect(303);
    expect(t.store.get<FaqEntry>('faq', 'host-list-shows-the-controller-locked-after-a-long-wait')?.fix).toBe(fix);
  });
});
