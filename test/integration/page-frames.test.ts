import { describe, it, expect, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, csrfFrom, setRole, signUp, type TestApp } from '../support/app.ts';

/**
 * Signed-in learners' step pages are built from a frame kept per address and profile, with each
 * reader's own parts rendered into it (src/lib/web/page-frames.ts). What a learner must never see is
 * another learner's name, progress, form token or profile; what they must always see is their own.
 * (In tests every framed page is also rendered whole and compared, so each step page any test reads
 * checks the frame too.)
 */
let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const STEP = '/workshops/demo-install/steps/prepare';
/** The tools named in the variant blocks a page opens for its reader. */
const opened = (html: string) => [...html.matchAll(/<details class="variant" open>[\s\S]*?<strong>(\w+)<\/strong>/g)].map((m) => m[1]);
const framed = async () => Number(/^onramp_step_frames_served (\d+)/m.exec((await request(t.app).get('/metrics').expect(200)).text)?.[1]);

describe('signed-in step pages built from a kept frame', () => {
  it('when two learners read the same step, then the second page comes from the frame, with their own name, progress and a form token that works only for them', async () => {
    t = await buildApp();
    const ann = await signUp(t.app, 'ann');
    const bob = await signUp(t.app, 'bob');
    const first = await ann.get(STEP).expect(200);
    await ann.post(`${STEP}/progress`).type('form').send({ _csrf: csrfFrom(first.text), done: '1' }).expect(303);
    const before = await framed();
    const annPage = (await ann.get(STEP).expect(200)).text;
    const bobPage = (await bob.get(STEP).expect(200)).text;
    expect(await framed()).toBe(before + 2);

    expect(annPage).toContain('>ann</a>');
    expect(annPage).toContain('You marked this step done.');
    expect(annPage).not.toContain('bob');
    expect(bobPage).toContain('>bob</a>');
    expect(bobPage).toContain('Mark done and continue');
    expect(bobPage).not.toContain('You marked this step done.');
    expect(bobPage).not.toContain('>ann</a>');
    // The pages differ only where they are personal: the shared text is the same.
    const article = (html: string) => /<div class="markdown">[\s\S]*?<\/aside>/.exec(html)?.[0];
    expect(article(bobPage)).toBeTruthy();
    expect(article(bobPage)).toBe(article(annPage));

    const [annToken, bobToken] = [csrfFrom(annPage), csrfFrom(bobPage)];
    expect(annToken).not.toBe(bobToken);
    await ann.post(`${STEP}/progress`).type('form').send({ _csrf: bobToken, done: '0' }).expect(403);
    await bob.post(`${STEP}/progress`).type('form').send({ _csrf: bobToken, done: '1' }).expect(303);
    expect((await bob.get(STEP).expect(200)).text).toContain('You marked this step done.');
  });

  it('when learners have different profiles, then each gets the variant of theirs, and a maintainer sees their own menu', async () => {
    t = await buildApp();
    const vb = await signUp(t.app, 'vbox-user');
    const kvm = await signUp(t.app, 'kvm-user');
    await signUp(t.app, 'maya');
    await setRole(t, 'maya', 'maintainer');
    const maya = request.agent(t.app);
    const login = await maya.get('/login');
    await maya.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username: 'maya', password: 'correct horse battery' }).expect(302);
    for (const [agent, platform] of [[vb, 'virtualbox'], [kvm, 'libvirt']] as const) {
      const page = await agent.get(STEP).expect(200);
      await agent.post('/profile').type('form').send({ _csrf: csrfFrom(page.text), platform, next: STEP }).expect(303);
    }
    for (let i = 0; i < 2; i++) {
      const vbPage = (await vb.get(STEP).expect(200)).text;
      const kvmPage = (await kvm.get(STEP).expect(200)).text;
      const mayaPage = (await maya.get(STEP).expect(200)).text;
      expect(opened(vbPage)).toEqual(['VBoxManage']);
      expect(opened(kvmPage)).toEqual(['virsh']);
      expect(opened(mayaPage)).toEqual(['VBoxManage', 'virsh']);
      expect(mayaPage).toContain('href="/review"');
      expect(vbPage).not.toContain('href="/review"');
    }
  });
});
