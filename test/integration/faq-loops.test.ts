import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { buildApp, csrfFrom, logIn, signUp, setRole, apiUser, type TestApp } from '../support/app.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

// Two loops of the FAQ, each on its own app: readers who teach it, and contributors who hear back.

describe('the readers\' loop', () => {
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
});

describe('the contributors\' and reviewers\' loop', () => {
  interface Received {
    to: string[];
    data: string;
  }

  let t: TestApp;
  let smtp: SMTPServer;
  const inbox: Received[] = [];
  let token: string;
  let author: request.Agent;
  let maint: request.Agent;

  beforeAll(async () => {
    // A local SMTP server: what Onramp sends is what arrives here.
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    t = await buildApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    token = await apiUser(t.app, 'writer');
    await setRole(t, 'writer', 'contributor');
    author = await logIn(t.app, 'writer');
    maint = await signUp(t.app, 'reviewer');
    await setRole(t, 'reviewer', 'maintainer');
    maint = await logIn(t.app, 'reviewer');
  });

  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const submit = async (title: string, over: Record<string, unknown> = {}) =>
    (await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`)
      .send({ title, errorText: `ERROR: ${title}`, deployment: ['any'], phase: 'configure', cause: 'The cause.', fix: 'The fix.', sources: ['https://lists.starlingx.io/archives/list/starlingx-discuss@lists.starlingx.io/thread/ABC/'], ...over })
      .expect(201)).body.id as string;

  async function decide(id: string, decision: string, comment = '') {
    const page = await maint.get(`/review/${id}`).expect(200);
    return maint.post(`/review/${id}/decision`).type('form').send({ _csrf: csrfFrom(page.text), decision, comment });
  }

  const waitForMail = async (n: number) => {
    for (let i = 0; i < 100 && inbox.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return inbox;
  };

  describe('contributors hear back', () => {
    it('when a maintainer requests changes, then the author sees a notification in the header, the comment as Markdown, and the entry flagged on the dashboard', async () => {
      const id = await submit('Controller reboots during the storage step');
      const comment = 'Please add the **exact** command:\n\n```bash\nsystem host-stor-list controller-0\n```\n\n<script>alert(1)</script>';
      expect((await decide(id, 'request-changes', comment)).status).toBe(303);

      let home = await author.get('/');
      expect(home.text).toMatch(/href="\/notifications" class="notices-link"\s*>Notifications <span class="badge count">1<span class="sr-only"> unread<\/span><\/span><\/a>/);
      const list = await author.get('/notifications').expect(200);
      expect(list.text).toContain('Changes requested on “Controller reboots during the storage step”');
      const dashboard = await author.get('/dashboard');
      expect(dashboard.text).toContain('Your FAQ entries');
      expect(dashboard.text).toMatch(new RegExp(`href="/faq/${id}/edit">Controller reboots during the storage step</a>[\\s\\S]*?Changes requested: your turn`));

      // Opening it marks it read and leads to the edit form.
      const noticeId = /action="\/notifications\/([0-9a-f-]+)\/open"/.exec(list.text)![1];
      const opened = await author.post(`/notifications/${noticeId}/open`).type('form').send({ _csrf: csrfFrom(list.text) }).expect(303);
      expect(opened.headers.location).toBe(`/faq/${id}/edit`);
      home = await author.get('/');
      expect(home.text).not.toContain('class="badge count"');

      const mine = await author.get('/faq/mine');
      expect(mine.text).toContain('<strong>exact</strong>');
      expect(mine.text).toContain('system host-stor-list controller-0');
      expect(mine.text).not.toContain('<script>alert(1)</script>');
      const review = await maint.get(`/review/${id}`);
      expect(review.text).toContain('<strong>exact</strong>');
      // Sources are links.
      expect(review.text).toContain('<a href="https://lists.starlingx.io/archives/list/starlingx-discuss@lists.starlingx.io/thread/ABC/" rel="nofollow noopener noreferrer ugc">');
      // Nobody else was told, and nobody is e-mailed who did not ask for it.
      expect((await maint.get('/')).text).not.toContain('class="badge count"');
      expect(inbox).toEqual([]);
    });

    it('when the author asked for e-mail and SMTP is configured, then a decision also arrives by mail with its link', async () => {
      const page = await author.get('/notifications');
      const bad = await author.post('/notifications/email').type('form').send({ _csrf: csrfFrom(page.text), email: 'not an address' }).expect(422);
      expect(bad.text).toContain('id="email-error"');
      expect(bad.text).toContain('value="not an address"');
      await author.post('/notifications/email').type('form').send({ _csrf: csrfFrom(page.text), email: 'writer@example.org' }).expect(303);
      const id = await submit('Storage step fails with an OSD already in use');
      await decide(id, 'approve');
      const [mail] = await waitForMail(1);
      expect(mail!.to).toEqual(['writer@example.org']);
      const parsed = await simpleParser(mail!.data);
      expect(parsed.subject).toBe('Onramp: “Storage step fails with an OSD already in use” was approved: it is public now');
      expect(parsed.text).toContain(`http://127.0.0.1:3000/faq/${id}`);
      expect((await author.get('/notifications')).text).toContain('was approved: it is public now');
    });
  });

  describe('reviewers merge with their eyes open', () => {
    it('when an entry duplicates a published one, then its review page lists it with a one-click "Merge into"', async () => {
      const id = await submit('kubectl says the connection to localhost:8080 was refused after login', {
        errorText: 'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
      });
      const page = await maint.get(`/review/${id}`).expect(200);
      const dups = page.text.slice(page.text.indexOf('id="dups-title"'), page.text.indexOf('</section>', page.text.indexOf('id="dups-title"')));
      expect(dups).toContain('href="/review/kubectl-refused"');
      expect(dups).toContain('<input type="hidden" name="into" value="kubectl-refused">');
      expect(page.text).toContain('<option value="kubectl-refused">');
      await maint.post(`/review/${id}/merge`).type('form').send({ _csrf: csrfFrom(page.text), into: 'kubectl-refused' }).expect(303);
      expect(t.store.get<FaqEntry>('faq', id)).toMatchObject({ status: 'retired', mergedInto: 'kubectl-refused' });
      expect((await author.get('/notifications')).text).toContain('was merged into another entry');
    });

    it('when the merge id is unknown, then the form comes back with the error beside the field and what was typed', async () => {
      const id = await submit('Bootstrap cannot pull from the local registry');
      const page = await maint.get(`/review/${id}`);
      const res = await maint.post(`/review/${id}/merge`).type('form').send({ _csrf: csrfFrom(page.text), into: 'no-such-entry', comment: 'dup' }).expect(422);
      expect(res.text).toMatch(/<input id="into" name="into" maxlength="64" value="no-such-entry"[^>]*aria-invalid=true aria-describedby=into-error/);
      expect(res.text).toContain('<p class="field-error" id="into-error">No entry has the id &#34;no-such-entry&#34;.');
      expect(t.store.get<FaqEntry>('faq', id)!.status).toBe('in-review');
    });

    it('when a maintainer types part of an id or title, then the type-ahead offers matching entries; others may not ask', async () => {
      const res = await maint.get('/api/review/entries?q=localhost&except=x').expect(200);
      expect(res.body.entries).toEqual([expect.objectContaining({ id: 'kubectl-refused' })]);
      expect((await maint.get('/api/review/entries?q=host-st').expect(200)).body.entries[0]).toMatchObject({ id: 'host-stays-locked' });
      await author.get('/api/review/entries?q=kubectl').expect(403);
    });
  });
});
