import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, signUp, apiUser, type TestApp, setRole } from '../support/app.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';
import { SETTLES } from '../support/eventually.ts';


const PASTED = `[sysadmin@controller-0 ~(keystone_admin)]$ kubectl get nodes
2024-05-03T09:12:44.120Z E0503 09:12:44.120311   12345 memcache.go:265] couldn't get current server API group list: Get "http://localhost:8080/api?timeout=32s": dial tcp 127.0.0.1:8080: connect: connection refused
The connection to the server localhost:8080 was refused - did you specify the right host or port?
[sysadmin@controller-0 ~(keystone_admin)]$`;

describe('finding answers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  it('when the FAQ opens with no search, then the approved seed entries are listed', async () => {
    const res = await request(t.app).get('/faq').expect(200);
    expect(res.text).toContain('2 troubleshooting entries');
    expect(res.text).toContain('href="/faq/host-stays-locked"');
  });

  it('when a newcomer pastes a log into the search form, then the matching entry comes first', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/faq');
    const posted = await agent.post('/faq').type('form').send({ _csrf: csrfFrom(page.text), q: PASTED }).expect(303);
    // The answer has an address of its own: reloading or sharing it searches again, nothing is resubmitted.
    expect(posted.headers.location).toMatch(/^\/faq\?q=/);
    const res = await agent.get(posted.headers.location!).expect(200);
    const first = /<li class="faq-result" data-rank="1"[^>]*>\s*<h3 class="h3"><a href="([^"]+)"/.exec(res.text);
    expect(first?.[1]).toBe('/faq/kubectl-refused');
    expect(res.text).toContain('matches your error');
    expect(res.text).toMatch(/Why: [^<]*its error signature/);
    expect(res.text).toContain('What we looked for in your paste');
  });

  it('when a long log is pasted, then the redirect is to a short address that finds the same entry, even after the paste is gone', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/faq');
    const long = `${'ok: [localhost] => all fine here\n'.repeat(300)}${PASTED}`;
    const posted = await agent.post('/faq').type('form').send({ _csrf: csrfFrom(page.text), q: long }).expect(303);
    const address = posted.headers.location!;
    expect(address.length).toBeLessThan(3000);
    expect(address).toMatch(/&paste=[A-Za-z0-9_-]{22}/);
    expect((await agent.get(address)).text).toContain('href="/faq/kubectl-refused"');
    // Another instance, or after a restart: the kept lines still find it, and the page says so.
    const elsewhere = await request(t.app).get(address.replace(/paste=[^&]+/, 'paste=AAAAAAAAAAAAAAAAAAAAAA')).expect(200);
    expect(elsewhere.text).toContain('href="/faq/kubectl-refused"');
    expect(elsewhere.text).toContain('no longer on the server');
  });

  it('when a paste from other software is searched, then the answer is plainly "no match", with the ways forward, and the API returns no entries', async () => {
    const other = 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 42, in index\n    raise ValueError("bad widget id")\nValueError: bad widget id';
    const page = await request(t.app).get('/faq').query({ q: other }).expect(200);
    expect(page.text).toContain('<h2 id="results-title">No match</h2>');
    expect(page.text).toContain('Ask the community');
    expect(page.text).toContain('Write this entry');
    const api = await request(t.app).get('/api/faq').query({ q: other }).expect(200);
    expect(api.body.results).toEqual([]);
  });

  it('when the FAQ is opened without a search, then its entries are listed by install phase', async () => {
    const res = await request(t.app).get('/faq').expect(200);
    expect(res.text).toMatch(/by install phase/);
    expect(res.text).toMatch(/<summary><span class="phase-name">unlock<\/span>/);
  });

  it('when someone types with a typo or a word prefix, then the entry is still found, with matches marked', async () => {
    const typo = await request(t.app).get('/api/faq').query({ q: 'kubctl refusd' }).expect(200);
    expect(typo.body.results[0].id).toBe('kubectl-refused');
    const prefix = await request(t.app).get('/api/faq').query({ q: 'administrat' }).expect(200);
    expect(prefix.body.results[0].id).toBe('host-stays-locked');
    const page = await request(t.app).get('/faq').query({ q: 'kubeconfig' }).expect(200);
    expect(page.text).toMatch(/<mark>KUBECONFIG<\/mark>|<mark>kubeconfig<\/mark>/i);
  });

  it('when filters are set, then only entries for that phase, deployment and release remain', async () => {
    const verify = await request(t.app).get('/api/faq').query({ q: 'locked refused', phase: 'verify' }).expect(200);
    expect(verify.body.results.map((r: { id: string }) => r.id)).toEqual(['kubectl-refused']);
    const dx = await request(t.app).get('/api/faq').query({ q: 'locked refused', deployment: 'aio-dx' }).expect(200);
    expect(dx.body.results.map((r: { id: string }) => r.id)).toEqual(['kubectl-refused']);
    const release = await request(t.app).get('/api/faq').query({ q: 'locked', release: '9.0' }).expect(200);
    expect(release.body.results[0].id).toBe('host-stays-locked');
  });

  it('when the query contains markup, then it is shown as text, never as HTML', async () => {
    const res = await request(t.app).get('/faq').query({ q: '<script>alert(1)</script> locked' }).expect(200);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; locked');
  });

  it('when a search finds nothing, then maintainers see it among the content gaps', async () => {
    await request(t.app).get('/faq').query({ q: 'zzqx frobnicator' }).expect(200);
    await request(t.app).get('/api/faq').query({ q: 'zzqx frobnicator' }).expect(200);
    const maint = await signUp(t.app, 'gapwatch');
    await setRole(t, 'gapwatch', 'maintainer');
    const insights = await vi.waitFor(async () => {
      const page = await maint.get('/insights').expect(200);
      expect(page.text).toMatch(/zzqx frobnicator<\/code><\/td><td>2<\/td><td>1</);
      return page;
    }, SETTLES);
    expect(insights.text).toContain('Entries no workshop step links to (0)');
  });

  it('when one visitor floods searches that find nothing, then nothing is written per search, the list stays bounded, and a real gap still gets in', async () => {
    const before = t.store.stats.commits;
    for (let i = 0; i < 200; i++) await request(t.app).get('/api/faq').query({ q: `junk${i} qqxyz` }).expect(200);
    expect(t.store.stats.commits - before).toBeLessThanOrEqual(1);
    // Three people search for the same real gap.
    for (const name of ['gap1', 'gap2', 'gap3']) {
      const a = await signUp(t.app, name);
      await a.get('/faq').query({ q: 'zzyz ipsec vpn subcloud rehome' }).expect(200);
    }
    const maint = await signUp(t.app, 'gapwatch2');
    await setRole(t, 'gapwatch2', 'maintainer');
    const page = (await maint.get('/insights').expect(200)).text;
    const rows = [...page.matchAll(/<tr><td><code>([^<]*)<\/code><\/td><td>(\d+)<\/td><td>(\d+)</g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(rows[0]).toEqual(['zzyz ipsec vpn subcloud rehome', 3, 3]);
    // One visitor adds at most 30 gaps an hour, whatever they paste.
    expect(rows.filter(([q]) => String(q).endsWith('qqxyz')).length).toBeLessThanOrEqual(30);
  });

  it('when a long log is posted to the API, then it is read as a log and the entry matched by its signature comes first', async () => {
    const token = await apiUser(t.app, 'logposter');
    const log = `${'INFO nothing to see here\n'.repeat(1500)}| 200.001 | controller-0 was administratively locked to take it out-of-service. |`;
    const res = await request(t.app).post('/api/faq/search').set('authorization', `Bearer ${token}`).send({ q: log }).expect(200);
    expect(res.body.mode).toBe('log');
    expect(res.body.results[0]).toMatchObject({ id: 'host-stays-locked', exact: true });
    expect(res.body.extracted.alarmIds).toEqual(['200.001']);
    await request(t.app).post('/api/faq/search').set('authorization', `Bearer ${token}`).send({ q: 'x', evil: 1 }).expect(400);
  });

  it('when an entry is read through the API, then it has its sanitized HTML, authors and votes', async () => {
    const res = await request(t.app).get('/api/faq/kubectl-refused').expect(200);
    expect(res.body).toMatchObject({ id: 'kubectl-refused', status: 'approved', authors: ['Onramp team'], votes: { helpful: 0, notHelpful: 0 } });
    expect(res.body.fixHtml).toContain('KUBECONFIG');
    await request(t.app).get('/api/faq/__proto__').expect(404);
    await request(t.app).get('/api/faq/no-such-entry').expect(404);
  });
});

describe('the FAQ follows the deployment profile', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  it('when a reader says they install AIO-DX, then the FAQ shows AIO-DX and any-deployment entries, widens a search that finds nothing there, and "all deployments" stays chosen', async () => {
    const reader = request.agent(t.app);
    const step = await reader.get('/workshops/demo-install/steps/prepare');
    await reader.post('/profile').type('form').send({ _csrf: csrfFrom(step.text), deployment: 'aio-dx', platform: 'libvirt', next: '/faq' }).expect(303);

    const landing = await reader.get('/faq').expect(200);
    expect(landing.text).toContain('Showing entries for AIO-DX');
    expect(landing.text).toContain('href="/faq/kubectl-refused"'); // for any deployment
    expect(landing.text).not.toContain('href="/faq/host-stays-locked"'); // for AIO-SX only

    const widened = await reader.get('/faq').query({ q: 'controller-0 was administratively locked to take it out-of-service' }).expect(200);
    expect(widened.text).toContain('Nothing written for AIO-DX matched, so these come from every deployment.');
    expect(widened.text).toContain('href="/faq/host-stays-locked"');

    const all = await reader.get('/faq').query({ deployment: '' }).expect(200);
    expect(all.text).not.toContain('Showing entries for AIO-DX');
    expect(all.text).toContain('href="/faq/host-stays-locked"');

    const posted = await reader.post('/faq').type('form').send({ _csrf: csrfFrom(landing.text), q: 'host locked', deployment: '' }).expect(303);
    expect(posted.headers.location).toContain('deployment=');
    expect((await reader.get(posted.headers.location!)).text).not.toContain('Showing entries for AIO-DX');

    // A reader without a profile sees everything, as before.
    expect((await request(t.app).get('/faq').expect(200)).text).toContain('href="/faq/host-stays-locked"');
  });
});

describe("I'm stuck on a step", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildApp();
  });
  afterAll(() => t.close());

  it('when a step page opens, then its panel lists the entries for the step and links to a prefilled new entry', async () => {
    const res = await request(t.app).get('/workshops/demo-install/steps/unlock').expect(200);
    const panel = res.text.slice(res.text.indexOf('class="stuck-panel"'));
    expect(panel).toContain('href="/faq/host-stays-locked"');
    expect(panel).not.toContain('href="/faq/kubectl-refused"');
    expect(panel).toContain('href="/faq/new?workshop=demo-install&amp;step=unlock&amp;phase=unlock"');
    expect(panel).toContain('action="/faq"');
  });

  it('when a checkpoint fails, then the entries matching the pasted output are shown and the panel is open', async () => {
    const agent = await signUp(t.app, 'stuckone');
    const page = await agent.get('/workshops/demo-install/steps/unlock');
    const output = '| 1  | controller-0 | controller  | locked         | disabled    | online       |\ncontroller-0 was administratively locked to take it out-of-service';
    const posted = await agent.post('/workshops/demo-install/steps/unlock/checkpoint').type('form').send({ _csrf: csrfFrom(page.text), output }).expect(303);
    const res = await agent.get(posted.headers.location!).expect(200);
    expect(res.text).toContain('These troubleshooting entries match your output');
    const result = res.text.slice(res.text.indexOf('id="checkpoint-result"'), res.text.indexOf('class="step-actions"'));
    expect(result).toContain('href="/faq/host-stays-locked"');
    // The verdict itself leads on to the community; the "I'm stuck" panel at the top stays closed so it covers nothing.
    expect(result).toMatch(/<a href="\/ask\?workshop=demo-install&amp;step=unlock&amp;attempt=1">Ask the community<\/a>/);
    expect(res.text).toMatch(/<details class="help-panel" id="stuck">/);
  });

  it('when the search is sent from the panel, then the results page links back to the step', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/workshops/demo-install/steps/verify');
    const posted = await agent.post('/faq').type('form').send({ _csrf: csrfFrom(page.text), workshop: 'demo-install', step: 'verify', q: PASTED }).expect(303);
    const res = await agent.get(posted.headers.location!).expect(200);
    expect(res.text).toContain('href="/workshops/demo-install/steps/verify"');
  });
});

describe('the seed FAQ', () => {
  it('when the server starts again, then the seed is not loaded a second time and retired entries stay retired', async () => {
    let t = await buildApp();
    try {
      expect(t.store.get<FaqEntry>('faq', 'host-stays-locked')).toMatchObject({ status: 'approved', authors: ['onramp-team'] });
      const e = t.store.get<FaqEntry>('faq', 'host-stays-locked')!;
      await t.store.commit([{ c: 'faq', k: e.id, v: { ...e, status: 'retired' } }]);
      await t.store.commit([{ c: 'faq', k: 'kubectl-refused', v: null }]);
      t = await t.restart();
      expect(t.store.get<FaqEntry>('faq', 'host-stays-locked')!.status).toBe('retired');
      expect(t.store.get('faq', 'kubectl-refused')).toBeUndefined();
      await request(t.app).get('/faq/host-stays-locked').expect(404);
    } finally {
      await t.close();
    }
  });
});
