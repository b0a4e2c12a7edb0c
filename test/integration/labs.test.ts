import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import ssh2 from 'ssh2';
import postgres from 'postgres';
import { buildApp, csrfFrom, logIn, setRole, signUp, type TestApp } from '../support/app.ts';
import { tempDir } from '../support/temp.ts';
import { closedPort, silentPort, startSshLab, type SshLab } from '../support/ssh-lab.ts';
import { exportFaqCli } from '../../src/cli/faq-export.ts';
import { labsRekey } from '../../src/cli/labs-rekey.ts';

/**
 * Workshop labs against a real SSH server on loopback (test/support/ssh-lab.ts), with the shipped
 * workshops: their checkpoints' commands run on the labs and their patterns judge what comes back.
 */
const WORKSHOP = 'aio-simplex-virtual';
const PASSWORD_A = 'Lab-A-pa55word-7c1e';
const CLIENT_KEY = ssh2.utils.generateKeyPairSync('ed25519');
/** A line from the middle of the private key: if it shows up anywhere, the key leaked. */
const KEY_LINE = CLIENT_KEY.private.split('\n')[2]!;
const SECRETS = [PASSWORD_A, KEY_LINE, 'Lab-C-pa55word-31f0'];
const LOCKED_HINT = 'The host is still locked, so the unlock was not run or was refused.';
const TIMEOUT_S = 2;
const KEY_1 = 'test-lab-secret-0123456789abcdef-0123456789';
const KEY_2 = 'rotated-lab-secret-fedcba9876543210-abcdef';
const ENV = {
  CONTENT_DIR: join(import.meta.dirname, '..', '..', 'workshops'),
  SEED_DIR: join(import.meta.dirname, '..', '..', 'seed'),
  LAB_NETWORKS: '127.0.0.1/32',
  LAB_TIMEOUT_SECONDS: String(TIMEOUT_S),
};

let t: TestApp;
let lab: SshLab;
/** What the apps before a restart logged. */
const earlierLogs: string[] = [];
beforeAll(async () => {
  lab = await startSshLab([
    { username: 'lab1', password: PASSWORD_A, controller: 'unlocked' },
    { username: 'lab2', publicKey: CLIENT_KEY.public, controller: 'locked' },
    { username: 'lab3', password: SECRETS[2], controller: 'unlocked' },
  ]);
  t = await buildApp({ ...ENV, LAB_SECRET: KEY_1 });
}, 30_000);
afterAll(async () => {
  await t?.close();
  await lab?.close();
});

type Agent = Awaited<ReturnType<typeof signUp>>;
const csrf = async (agent: Agent) => csrfFrom((await agent.get('/sessions')).text);
async function post(agent: Agent, url: string, form: Record<string, string>) {
  // The token first: the agent's cookies (the CSRF cookie among them) are attached when a request is made.
  const token = await csrf(agent);
  return agent.post(url).type('form').send({ _csrf: token, ...form });
}
/** Follows a form's redirect and gives the page it lands on (with its one-time message). */
async function follow(agent: Agent, res: { status: number; headers: Record<string, string> }) {
  expect(res.status).toBe(303);
  return (await agent.get(res.headers.location!)).text;
}
const flashOf = (html: string) => /<p class="flash" role="status">([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'") ?? '';
const stepPage = (step: string) => `/workshops/${WORKSHOP}/steps/${step}`;

let people = 0;
async function person(name: string, role?: 'host' | 'admin'): Promise<Agent> {
  const agent = await signUp(t.app, name);
  if (!role) return agent;
  await setRole(t, name, role);
  return logIn(t.app, name);
}

/** A live session of the workshop, hosted by a new host (and a helper). */
async function liveSession() {
  const n = ++people;
  const host = await person(`host${n}`, 'host');
  const helper = await person(`helper${n}`);
  const now = new Date().toISOString();
  const res = await post(host, '/sessions/new', {
    workshop: WORKSHOP, title: `Lab day ${n}`, date: now.slice(0, 10), time: now.slice(11, 16), timeZone: 'UTC',
    durationMinutes: '120', capacity: '20', occurrences: '1', coHosts: '', helpers: `helper${n}`,
  });
  if (res.status !== 303) throw new Error(`scheduling failed: ${res.status} ${res.text.slice(0, 2000)}`);
  const id = /\/sessions\/([0-9a-f-]{36})$/.exec(res.headers.location!)![1]!;
  const code = t.store.get<{ code: string }>('liveSessions', id)!.code;
  return { id, code, host, helper, n };
}

async function joinAs(code: string, name: string): Promise<{ agent: Agent; welcome: string }> {
  const agent = await person(name);
  const res = await post(agent, '/join', { code });
  return { agent, welcome: flashOf(await follow(agent, res)) };
}

const labLine = (name: string, port: number, user: string, secret: string) => `${name},127.0.0.1,${port},${user},${secret}`;

/** A pool of two labs (a password and a key), then Ana, Ben and Cleo join in that order. */
async function twoLabsThreeJoin(s: Awaited<ReturnType<typeof liveSession>>) {
  const csv = `name,address,port,username,password,private_key\n${labLine('lab-01', lab.port, 'lab1', PASSWORD_A)},\nlab-02,127.0.0.1,${lab.port},lab2,,"${CLIENT_KEY.private}"\n`;
  await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/import`, { csv }));
  return { ana: await joinAs(s.code, `ana${s.n}`), ben: await joinAs(s.code, `ben${s.n}`), cleo: await joinAs(s.code, `cleo${s.n}`) };
}

describe('a lab pool per live session', () => {
  it('when a host loads labs by the form and by CSV, then the pool lists them without secrets; a wrong CSV loads nothing and names the line', async () => {
    const s = await liveSession();
    const added = await post(s.host, `/sessions/${s.id}/labs`, { name: 'lab-01', host: '127.0.0.1', port: String(lab.port), username: 'lab1', password: PASSWORD_A, privateKey: '', hostKey: '', consoleUrl: '', notes: 'rack 1' });
    expect(flashOf(await follow(s.host, added))).toBe('Loaded 1 lab.');

    const bad = await post(s.host, `/sessions/${s.id}/labs/import`, { csv: `name,address,port,username,password\nlab-02,127.0.0.1,${lab.port},lab2,\nlab-03,127.0.0.1:22,,lab3,x\n` });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('line 2, password: Give a password or a private key.');
    expect(bad.text).toContain('line 3, address: Give a host name or an IP address (without a port).');

    const csv = `name,address,port,username,password,private_key,console_url\nlab-02,127.0.0.1,${lab.port},lab2,,"${CLIENT_KEY.private}",https://console.example.org/vm/2\n${labLine('lab-03', lab.port, 'lab3', SECRETS[2]!)},,\n`;
    const loaded = await post(s.host, `/sessions/${s.id}/labs/import`, { csv });
    const pool = await follow(s.host, loaded);
    expect(flashOf(pool)).toBe('Loaded 2 labs.');
    for (const name of ['lab-01', 'lab-02', 'lab-03']) expect(pool).toContain(`data-lab="${name}"`);
    for (const secret of SECRETS) expect(pool).not.toContain(secret);

    // The same name twice is refused; so is a pool managed by anyone but its hosts.
    const twice = await post(s.host, `/sessions/${s.id}/labs`, { name: 'LAB-01', host: '127.0.0.1', port: '22', username: 'x', password: 'y' });
    expect(twice.status).toBe(422);
    expect(twice.text).toContain('There is already a lab named LAB-01 in this pool.');
    expect((await post(s.helper, `/sessions/${s.id}/labs`, { name: 'lab-09', host: '127.0.0.1', port: '22', username: 'x', password: 'y' })).status).toBe(403);
    const stranger = await person('stranger1');
    expect((await stranger.get(`/sessions/${s.id}/labs`)).status).toBe(403);
    expect((await stranger.get(`/api/sessions/${s.id}/labs`)).status).toBe(403);

    // A script sends the file itself.
    const token = (await request(t.app).post('/api/tokens').send({ username: `host${s.n}`, password: 'correct horse battery', name: 'pool' }).expect(201)).body.token as string;
    const viaApi = await request(t.app).post(`/api/sessions/${s.id}/labs`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv')
      .send(`name,address,port,username,password\nlab-04,127.0.0.1,${lab.port},lab3,${SECRETS[2]}\n`);
    expect(viaApi.status).toBe(201);
    expect(viaApi.body).toEqual({ loaded: 1, message: 'Loaded 1 lab.' });
    const badApi = await request(t.app).post(`/api/sessions/${s.id}/labs`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send('name,address\nx,y\n');
    expect(badApi.status).toBe(422);
    expect(Object.values(badApi.body.error.details)).toEqual(['line 1: missing column(s) username']);
    const listed = (await request(t.app).get(`/api/sessions/${s.id}/labs`).set('Authorization', `Bearer ${token}`)).body;
    expect(listed.counts).toEqual({ total: 4, free: 4, 'in-use': 0, broken: 0, waiting: 0 });
    for (const secret of SECRETS) expect(JSON.stringify(listed)).not.toContain(secret);

    const stored = [...t.store.values<{ sessionId: string; name: string; secret: unknown; auth: string }>('labs')].filter((l) => l.sessionId === s.id);
    expect(stored.map((l) => [l.name, l.auth]).sort()).toEqual([['lab-01', 'password'], ['lab-02', 'key'], ['lab-03', 'password'], ['lab-04', 'password']]);
    for (const secret of SECRETS) expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('when participants join, then each gets a different lab shown on every step page; when the pool runs out, the next one waits and the host sees the list', async () => {
    const s = await liveSession();
    const { ana, ben, cleo } = await twoLabsThreeJoin(s);
    expect(ana.welcome).toMatch(/^You joined “Lab day \d+”\. Your lab is lab-01: its address and login are at the top of every step of the workshop\.$/);
    expect(ben.welcome).toContain('Your lab is lab-02');
    expect(cleo.welcome).toContain('Every lab of this session is in use: you are number 1 on the waiting list');

    for (const step of ['unlock', 'verify', 'first-login']) {
      const page = (await ana.agent.get(stepPage(step))).text;
      expect(page).toContain('Your lab: lab-01');
      expect(page).toContain(`ssh -p ${lab.port} lab1@127.0.0.1`);
      expect(page).toContain(PASSWORD_A);
      expect(page).not.toContain(KEY_LINE);
    }
    const benPage = (await ben.agent.get(stepPage('unlock'))).text;
    expect(benPage).toContain('Your lab: lab-02');
    expect(benPage).toContain(KEY_LINE);
    expect(benPage).not.toContain(PASSWORD_A);
    const cleoPage = (await cleo.agent.get(stepPage('unlock'))).text;
    expect(cleoPage).toContain('you are number <strong>1</strong> on the waiting list');
    for (const secret of SECRETS) expect(cleoPage).not.toContain(secret);
    // Every participant's step page asks for their lab or place in line: both are read without copying
    // the pool or the line (a room of n waiting would otherwise parse n² records).
    const reads = vi.spyOn(t.store, 'get');
    expect((await cleo.agent.get(stepPage('verify'))).text).toContain('you are number <strong>1</strong> on the waiting list');
    expect((await ana.agent.get(`/api/sessions/${s.id}/lab`)).body.lab).toMatchObject({ name: 'lab-01' });
    const copies = reads.mock.calls.filter(([c]) => c === 'labWaitlist' || c === 'labs').length;
    reads.mockRestore();
    expect(copies).toBe(0);

    const dashboard = (await s.host.get(`/sessions/${s.id}/host`)).text;
    expect(dashboard).toMatch(/data-lab="lab-01"[\s\S]*?in use[\s\S]*?ana\d+/);
    expect(dashboard).toMatch(/data-lab="lab-02"[\s\S]*?in use[\s\S]*?ben\d+/);
    expect(dashboard).toMatch(/Waiting for a lab[\s\S]*?cleo\d+/);
    for (const secret of SECRETS) expect(dashboard).not.toContain(secret);
    const api = (await s.host.get(`/api/sessions/${s.id}/labs`)).body;
    expect(api.labs.map((l: { name: string; holder: { username: string } }) => [l.name, l.holder.username])).toEqual([['lab-01', `ana${s.n}`], ['lab-02', `ben${s.n}`]]);
    expect(api.waiting.map((w: { username: string }) => w.username)).toEqual([`cleo${s.n}`]);

    // Ana is done: her lab goes to Cleo, who waited.
    const back = await follow(ana.agent, await post(ana.agent, `/sessions/${s.id}/lab/give-back`, { step: 'unlock' }));
    expect(flashOf(back)).toBe('You gave lab-01 back. Thank you!');
    expect((await cleo.agent.get(stepPage('unlock'))).text).toContain('Your lab: lab-01');

    // lab-02 breaks: Ben has no free lab to move to, so he waits first in line; repaired, it is his again.
    const labs = (await s.host.get(`/api/sessions/${s.id}/labs`)).body.labs as { id: string; name: string }[];
    const lab2 = labs.find((l) => l.name === 'lab-02')!;
    const broken = await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${lab2.id}/broken`, { broken: '1' }));
    expect(flashOf(broken)).toBe(`lab-02 is marked broken. No lab was free: ben${s.n} is waiting for one.`);
    const repaired = await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${lab2.id}/broken`, { broken: '0' }));
    expect(flashOf(repaired)).toBe(`lab-02 is marked working. From the waiting list: ben${s.n} got lab-02.`);

    // By hand: the host moves Cleo's lab to Ana (Cleo's is freed first).
    const lab1 = labs.find((l) => l.name === 'lab-01')!;
    expect(flashOf(await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${lab1.id}/release`, {})))).toBe(`cleo${s.n} no longer has lab-01.`);
    const anaId = t.ports.users.byUsername(`ana${s.n}`)!.id;
    expect(flashOf(await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${lab1.id}/assign`, { userId: anaId })))).toBe(`ana${s.n} has lab-01.`);
    expect((await ana.agent.get(stepPage('verify'))).text).toContain('Your lab: lab-01');
  });
});

describe('a server without labs', () => {
  it('when LAB_SECRET is not set, then step pages and dashboards are as before, and loading a pool is refused with the reason', async () => {
    const plain = await buildApp();
    try {
      await signUp(plain.app, 'plainhost');
      await setRole(plain, 'plainhost', 'host');
      const token = (await request(plain.app).post('/api/tokens').send({ username: 'plainhost', password: 'correct horse battery', name: 'x' }).expect(201)).body.token as string;
      const auth = { Authorization: `Bearer ${token}` };
      const session = (await request(plain.app).post('/api/sessions').set(auth).send({ workshop: 'demo-install', title: 'No labs', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 5 }).expect(201)).body;
      const learner = await signUp(plain.app, 'plainlearner');
      const learnerToken = (await request(plain.app).post('/api/tokens').send({ username: 'plainlearner', password: 'correct horse battery', name: 'x' }).expect(201)).body.token as string;
      const joined = await request(plain.app).post('/api/sessions/join').set({ Authorization: `Bearer ${learnerToken}` }).send({ code: session.code }).expect(201);
      expect(joined.body.notes).toEqual([]);
      const step = (await learner.get('/workshops/demo-install/steps/unlock')).text;
      expect(step).not.toContain('id="lab"');
      expect(step).toContain('Check my output');
      const hostAgent = await logIn(plain.app, 'plainhost');
      expect((await hostAgent.get(`/sessions/${session.id}/host`)).text).not.toContain('data-labs-panel');
      expect((await hostAgent.get(`/sessions/${session.id}/labs`)).text).toContain('Labs are off on this server');
      const refused = await request(plain.app).post(`/api/sessions/${session.id}/labs`).set(auth).send({ labs: [{ name: 'a', host: '127.0.0.1', username: 'u', password: 'p' }] });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe('Labs are off on this server: an admin sets LAB_SECRET to turn them on.');
    } finally {
      await plain.close();
    }
  });
});

describe('checkpoints Onramp verifies on the labs', () => {
  it('when two participants press "Check my lab", then the step’s own command runs over SSH: one lab passes, the other fails with the step’s hint, and the host sees both', async () => {
    const s = await liveSession();
    const csv = `name,address,port,username,password,private_key\n${labLine('lab-01', lab.port, 'lab1', PASSWORD_A)},\nlab-02,127.0.0.1,${lab.port},lab2,,"${CLIENT_KEY.private}"\n`;
    await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/import`, { csv }));
    const ana = await joinAs(s.code, `ana${s.n}`);
    const ben = await joinAs(s.code, `ben${s.n}`);
    const before = lab.seen.commands.length;

    const unlock = (await ana.agent.get(stepPage('unlock'))).text;
    expect(unlock).toContain('Onramp runs <code>source /etc/platform/openrc; system host-list</code> on lab-01');
    const passed = await follow(ana.agent, await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock' }));
    expect(flashOf(passed)).toBe('Onramp ran “source /etc/platform/openrc; system host-list” on lab-01 and checked its output.');
    expect(passed).toContain('Checkpoint passed.');
    expect(passed).toContain('| 1  | controller-0 | controller  | unlocked       | enabled     | available    |');

    const failed = await follow(ben.agent, await post(ben.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock' }));
    expect(failed).toContain('Not yet.');
    expect(failed).toContain(LOCKED_HINT);

    // Only the declared command ran, in a login shell; nothing the participants sent reached it.
    expect(lab.seen.commands.slice(before)).toEqual(["bash -lc 'source /etc/platform/openrc; system host-list'", "bash -lc 'source /etc/platform/openrc; system host-list'"]);
    const sneaky = await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock; rm -rf /' });
    expect(sneaky.status).toBe(404);
    expect((await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock', command: 'id' })).status).toBe(404);
    expect(lab.seen.commands.length).toBe(before + 2);

    // The results reach the hosts like any checkpoint: the participant rows carry them, with the hint.
    const state = (await s.host.get(`/api/sessions/${s.id}/state`)).body;
    const row = (name: string) => state.participants.find((p: { username: string }) => p.username === name);
    expect(row(`ana${s.n}`)).toMatchObject({ stepsDone: ['unlock'], checkpoint: { step: 'unlock', passed: true } });
    expect(row(`ben${s.n}`).checkpoint).toMatchObject({ step: 'unlock', passed: false, hint: expect.stringContaining(LOCKED_HINT) });
    const dashboard = (await s.host.get(`/sessions/${s.id}/host`)).text;
    expect(dashboard).toContain(LOCKED_HINT);
    expect(dashboard).toMatch(/data-lab="lab-01"[\s\S]*?reached[\s\S]*?passed/);

    // The host key each lab showed is pinned on its record, as ssh-keygen -l prints it.
    const pinned = [...t.store.values<{ sessionId: string; hostKey?: string }>('labs')].filter((l) => l.sessionId === s.id).map((l) => l.hostKey);
    expect(pinned).toEqual([lab.fingerprint, lab.fingerprint]);

    // kubectl needs the login shell's KUBECONFIG, which a plain ssh command would not have.
    const verify = await follow(ana.agent, await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'verify' }));
    expect(verify).toContain('Checkpoint passed.');
    // A checkpoint whose command needs sudo is not offered; the paste box still is.
    const sudo = (await ana.agent.get(stepPage('create-vms'))).text;
    expect(sudo).toContain('needs sudo, which asks for your password');
    expect(sudo).not.toContain('id="check-lab"');
  });

  it('when a lab answers with another host key than the pinned one, then Onramp refuses it before logging in and says so', async () => {
    const s = await liveSession();
    await follow(s.host, await post(s.host, `/sessions/${s.id}/labs`, { name: 'lab-01', host: '127.0.0.1', port: String(lab.port), username: 'lab1', password: PASSWORD_A }));
    const ana = await joinAs(s.code, `ana${s.n}`);
    expect(await follow(ana.agent, await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock' }))).toContain('Checkpoint passed.');
    const pinned = lab.fingerprint;

    await lab.rebuild();
    const logins = lab.seen.logins;
    const refused = await follow(ana.agent, await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock' }));
    expect(flashOf(refused)).toBe(
      `Onramp could not check lab-01. The lab at 127.0.0.1 port ${lab.port} answered with a different host key (${lab.fingerprint}) from the one pinned for it (${pinned}). Onramp did not log in. If the lab was rebuilt, the host forgets the old key on the labs page; otherwise someone may be in between.`,
    );
    expect(lab.seen.logins).toBe(logins);
    expect(refused).toContain('The last connection to lab-01 failed');

    // The host knows the lab was rebuilt: forgetting the key lets the next connection pin the new one.
    const id = (await s.host.get(`/api/sessions/${s.id}/labs`)).body.labs[0].id as string;
    await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${id}/forget-host-key`, {}));
    const tested = flashOf(await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${id}/test`, {})));
    expect(tested).toMatch(new RegExp(`^Logged in to lab-01 as lab1 in \\d+ ms; its host key ${lab.fingerprint.replace(/[+/]/g, '\\$&')} is now pinned\\.$`));
  });

  it('when a lab does not speak SSH, refuses, rejects the password or is outside LAB_NETWORKS, then the host’s test says so plainly, within the time limit, and never connects outside the networks', async () => {
    const s = await liveSession();
    const silent = await silentPort();
    const outside = await silentPort('127.0.0.2');
    const refusing = await closedPort();
    try {
      const labs = [
        ['silent', silent.port, 'lab1', PASSWORD_A],
        ['refusing', refusing, 'lab1', PASSWORD_A],
        ['wrong-password', lab.port, 'lab1', 'not-the-password'],
      ] as const;
      const csv = `name,address,port,username,password\n${labs.map(([n, p, u, pw]) => labLine(n, p, u, pw)).join('\n')}\noutside,127.0.0.2,${outside.port},lab1,x\n`;
      await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/import`, { csv }));
      const ids = Object.fromEntries(((await s.host.get(`/api/sessions/${s.id}/labs`)).body.labs as { id: string; name: string }[]).map((l) => [l.name, l.id]));
      const test = async (name: string) => {
        const started = Date.now();
        const message = flashOf(await follow(s.host, await post(s.host, `/sessions/${s.id}/labs/${ids[name]}/test`, {})));
        return { message, ms: Date.now() - started };
      };

      const quiet = await test('silent');
      expect(quiet.message).toBe(`The lab at 127.0.0.1 port ${silent.port} did not answer within ${TIMEOUT_S} seconds (a firewall, a stopped machine, or not an SSH server).`);
      expect(quiet.ms).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
      expect(quiet.ms).toBeLessThan(TIMEOUT_S * 1000 + 1500);
      expect(silent.connections()).toBe(1);

      const closed = await test('refusing');
      expect(closed.message).toBe(`Nothing accepts SSH connections at 127.0.0.1 port ${refusing}: the connection was refused (is sshd running, and is the port right?).`);
      expect(closed.ms).toBeLessThan(1500);

      expect((await test('wrong-password')).message).toBe(`The lab at 127.0.0.1 port ${lab.port} refused the login for lab1 (wrong password, or that user may not log in over SSH).`);

      const far = await test('outside');
      expect(far.message).toBe('The address 127.0.0.2 is outside the networks this server may connect to (LAB_NETWORKS), so Onramp did not connect.');
      expect(outside.connections()).toBe(0);

      // The dashboard shows what each connection found.
      const dashboard = (await s.host.get(`/sessions/${s.id}/host`)).text;
      expect(dashboard).toMatch(/data-lab="refusing"[\s\S]*?failed[\s\S]*?the connection was refused/);
    } finally {
      await silent.close();
      await outside.close();
    }
  });
});

describe('rotating LAB_SECRET', () => {
  it('when the key changes, then the server refuses to start until npm run labs:rekey has sealed the labs with the new one; after it, the labs open with the new key alone', async () => {
    const s = await liveSession();
    await follow(s.host, await post(s.host, `/sessions/${s.id}/labs`, { name: 'lab-01', host: '127.0.0.1', port: String(lab.port), username: 'lab1', password: PASSWORD_A }));
    const labId = (await s.host.get(`/api/sessions/${s.id}/labs`)).body.labs[0].id as string;

    earlierLogs.push(...t.logs());
    await expect(t.restart({ ...ENV, LAB_SECRET: KEY_2 })).rejects.toThrow(/neither LAB_SECRET nor LAB_SECRET_PREVIOUS is\. Set LAB_SECRET_PREVIOUS to the key it was sealed with, then run npm run labs:rekey/);
    const said = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await labsRekey({ NODE_ENV: 'test', DATA_DIR: t.dir, ...onDatabase(), LAB_SECRET: KEY_2, LAB_SECRET_PREVIOUS: KEY_1 })).toBe(0);
      expect(said.mock.calls[0]![0]).toMatch(/^Sealed \d+ lab secret\(s\) with LAB_SECRET; 0 already were\. You can now remove LAB_SECRET_PREVIOUS\.$/);
    } finally {
      said.mockRestore();
    }
    t = await t.restart({ ...ENV, LAB_SECRET: KEY_2 });
    const host = await logIn(t.app, `host${s.n}`);
    expect((await host.get(`/sessions/${s.id}/labs/${labId}`)).text).toContain(PASSWORD_A);
  }, 30_000);
});

/** The app's database, for a command-line task run beside it (PostgreSQL runs). */
const onDatabase = (): Record<string, string> => (t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {});

/** On PostgreSQL, every stored row and change of the labs, as the "files" the database keeps. */
async function databaseRows(): Promise<{ path: string; text: string }[]> {
  if (!t.databaseUrl) return [];
  const sql = postgres(t.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`SELECT 'labs/' || key AS path, doc AS text FROM labs UNION ALL SELECT 'onramp_changes/' || seq, doc FROM onramp_changes WHERE doc IS NOT NULL`;
    return rows.map((r) => ({ path: r.path as string, text: r.text as string }));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Every file under a folder, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'latin1') }];
  });
}

describe('after the session, and what never leaks', () => {
  it('when the session ends, then every lab is free, nobody waits and no step page shows a lab; no secret is in any page but the holder’s and the hosts’, any log line, export, backup or stored file', async () => {
    const s = await liveSession();
    const { ana, ben, cleo } = await twoLabsThreeJoin(s);
    await follow(ana.agent, await post(ana.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock' }));
    await follow(ben.agent, await post(ben.agent, `/sessions/${s.id}/lab/check`, { step: 'unlock' }));
    const admin = await person(`admin${s.n}`, 'admin');
    const labs = (await s.host.get(`/api/sessions/${s.id}/labs`)).body.labs as { id: string }[];

    // The session's hosts see a lab's secret on its own page; its helpers and a site admin do not.
    expect((await s.host.get(`/sessions/${s.id}/labs/${labs[0]!.id}`)).text).toContain(PASSWORD_A);
    expect((await s.helper.get(`/sessions/${s.id}/labs/${labs[0]!.id}`)).status).toBe(403);
    expect((await admin.get(`/sessions/${s.id}/labs/${labs[0]!.id}`)).status).toBe(403);
    expect((await ana.agent.get(`/api/sessions/${s.id}/lab`)).body.lab).toMatchObject({ name: 'lab-01', secret: PASSWORD_A });

    const seenByOthers: string[] = [];
    const look = async (agent: Agent | ReturnType<typeof request.agent>, path: string) => {
      const res = await agent.get(path);
      seenByOthers.push(`${path}\n${res.text}`);
      return res;
    };
    const visitor = request.agent(t.app);
    for (const path of ['/sessions', `/sessions/${s.id}`, `/workshops/${WORKSHOP}/steps/unlock`]) await look(visitor, path);
    for (const path of [stepPage('unlock'), `/sessions/${s.id}`, `/api/sessions/${s.id}/lab`, `/api/sessions/${s.id}/state`]) await look(cleo.agent, path);
    for (const path of [`/sessions/${s.id}/host`, `/sessions/${s.id}/labs`, `/sessions/${s.id}/labs/panel`, `/api/sessions/${s.id}/labs`, `/api/sessions/${s.id}/state`]) {
      await look(s.helper, path);
      await look(admin, path);
    }
    for (const path of [`/sessions/${s.id}/host`, `/sessions/${s.id}/labs`, `/api/sessions/${s.id}/labs`, `/api/sessions/${s.id}/state`, `/api/sessions/${s.id}/report`]) await look(s.host, path);
    // Ana sees her own password, never Ben's key; Ben the reverse.
    expect((await ana.agent.get(stepPage('unlock'))).text).not.toContain(KEY_LINE);
    expect((await ben.agent.get(stepPage('unlock'))).text).not.toContain(PASSWORD_A);

    const ended = await follow(s.host, await post(s.host, `/sessions/${s.id}/host/end`, { confirm: 'yes' }));
    expect(flashOf(ended)).toBe('The session has ended.');
    const after = (await s.host.get(`/api/sessions/${s.id}/labs`)).body;
    expect(after.labs.map((l: { state: string; holder: unknown }) => [l.state, l.holder])).toEqual([['free', null], ['free', null]]);
    expect(after.waiting).toEqual([]);
    const anaAfter = await look(ana.agent, stepPage('unlock'));
    expect(anaAfter.text).not.toContain('Your lab');
    expect((await ana.agent.get(`/api/sessions/${s.id}/lab`)).body).toEqual({ lab: null, waiting: null });
    for (const table of ['steps', 'participants']) await look(s.host, `/sessions/${s.id}/report.csv?table=${table}`);
    await look(s.host, `/sessions/${s.id}/report`);

    for (const secret of SECRETS) {
      for (const page of seenByOthers) expect(page, page.slice(0, 80)).not.toContain(secret);
      for (const line of [...earlierLogs, ...t.logs()]) expect(line).not.toContain(secret);
    }

    // Backups copy the records as stored: sealed (on PostgreSQL, pg_dump copies the rows read below).
    const backups = tempDir('lab-backup');
    if (!t.databaseUrl) await t.store.backup(backups);
    // Everything the server wrote (store shards, journal, backups, or the database's rows) and the FAQ export.
    await t.stop();
    const exported = tempDir('lab-faq-export');
    const env = { NODE_ENV: 'test', DATA_DIR: t.dir, CONTENT_DIR: t.config.contentDir, SEED_DIR: t.config.seedDir, ...onDatabase() };
    const said = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await exportFaqCli([exported], env)).toBe(0);
    said.mockRestore();
    const files = [...filesUnder(backups), ...filesUnder(t.dir), ...filesUnder(exported), ...(await databaseRows())];
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.text.includes('"kid"'))).toBe(true);
    for (const secret of SECRETS) for (const f of files) expect(f.text.includes(secret), f.path).toBe(false);
  }, 30_000);
});
