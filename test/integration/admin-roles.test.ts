import { describe, it, expect, vi, beforeAll, afterAll } from 'vitest';
import request from 'supertest';
import { Readable } from 'node:stream';
import { buildApp, csrfFrom, signUp, logIn, type TestApp, setRole } from '../support/app.ts';
import { createAdmin } from '../../src/cli/create-admin.ts';
import { CliError } from '../../src/cli/cli-store.ts';


const envOf = (t: TestApp) => ({ NODE_ENV: 'test', DATA_DIR: t.dir, ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}), CONTENT_DIR: t.config.contentDir, SEED_DIR: t.config.seedDir });

describe('admin: users and roles', () => {
  let t: TestApp;
  let admin: request.Agent;
  beforeAll(async () => {
    t = await buildApp();
    admin = await signUp(t.app, 'root-admin');
    await setRole(t, 'root-admin', 'admin');
  });
  afterAll(() => t.close());

  const changeRole = async (agent: request.Agent, username: string, role: string) => {
    const page = await agent.get('/faq');
    const id = t.ports.users.byUsername(username)!.id;
    return agent.post(`/admin/users/${id}/role`).type('form').send({ _csrf: csrfFrom(page.text), role });
  };

  it('when an admin promotes someone, then the role changes and their sessions end', async () => {
    const learner = await signUp(t.app, 'future-maint');
    await learner.get('/account').expect(200);
    const page = await admin.get('/admin/users').expect(200);
    expect(page.text).toContain('future-maint');
    expect(page.text).toContain('root-admin (you)');
    const version = t.ports.users.byUsername('future-maint')!.sessionVersion;
    expect((await changeRole(admin, 'future-maint', 'maintainer')).status).toBe(303);
    const user = t.ports.users.byUsername('future-maint')!;
    expect(user.role).toBe('maintainer');
    expect(user.sessionVersion).toBe(version + 1);
    await learner.get('/account').expect(302);
    const again = await logIn(t.app, 'future-maint');
    const nav = await again.get('/review').expect(200);
    expect(nav.text).toContain('href="/review"');
    expect(nav.text).not.toContain('href="/admin/users"');
  });

  it('when an admin is shown the navigation, then Review and Admin links are there; a learner sees neither', async () => {
    const page = await admin.get('/faq');
    expect(page.text).toContain('href="/admin/users"');
    expect(page.text).toContain('href="/review"');
    const learner = await signUp(t.app, 'plain-learner');
    const lp = await learner.get('/faq');
    expect(lp.text).not.toContain('href="/admin/users"');
    expect(lp.text).not.toContain('href="/review"');
  });

  it('when anyone tries to change their own role, then it is refused, admins included', async () => {
    const res = await changeRole(admin, 'root-admin', 'learner');
    expect(res.status).toBe(403);
    expect(t.ports.users.byUsername('root-admin')!.role).toBe('admin');
    const maint = await signUp(t.app, 'ambitious');
    await setRole(t, 'ambitious', 'maintainer');
    expect((await changeRole(maint, 'ambitious', 'admin')).status).toBe(403);
    expect(t.ports.users.byUsername('ambitious')!.role).toBe('maintainer');
  });

  it('when someone below admin opens the admin pages or posts a role change, then they get 403 and nothing changes', async () => {
    const maint = await signUp(t.app, 'not-admin');
    await setRole(t, 'not-admin', 'maintainer');
    await maint.get('/admin/users').expect(403);
    await signUp(t.app, 'target');
    expect((await changeRole(maint, 'target', 'admin')).status).toBe(403);
    expect(t.ports.users.byUsername('target')!.role).toBe('learner');
    const visitor = await request(t.app).get('/admin/users').expect(302);
    expect(visitor.headers.location).toMatch(/^\/login/);
  });

  it('when the role or the form is not valid, then it is refused', async () => {
    await signUp(t.app, 'victim');
    expect((await changeRole(admin, 'victim', 'superuser')).status).toBe(400);
    const id = t.ports.users.byUsername('victim')!.id;
    await admin.post(`/admin/users/${id}/role`).type('form').send({ role: 'admin' }).expect(403);
    const page = await admin.get('/faq');
    await admin.post('/admin/users/__proto__/role').type('form').send({ _csrf: csrfFrom(page.text), role: 'admin' }).expect(404);
    expect(t.ports.users.byUsername('victim')!.role).toBe('learner');
  });
});

describe('npm run create-admin', () => {
  it('when run with a username and password, then the admin can sign in; run again on an account, it promotes it', async () => {
    let t = await buildApp();
    try {
      await signUp(t.app, 'existing');
      await t.store.close();
      await expect(createAdmin(['--username', 'first-admin', '--password', 'a long admin passphrase'], envOf(t))).resolves.toBe(0);
      await expect(createAdmin(['--username', 'existing'], envOf(t))).resolves.toBe(0);
      await expect(createAdmin(['--username', 'piped'], envOf(t), Readable.from(['piped admin passphrase\n']))).resolves.toBe(0);
      t = await t.restart();
      expect(t.ports.users.byUsername('first-admin')!.role).toBe('admin');
      expect(t.ports.users.byUsername('existing')!.role).toBe('admin');
      const agent = await logIn(t.app, 'first-admin', 'a long admin passphrase');
      await agent.get('/admin/users').expect(200);
      await logIn(t.app, 'piped', 'piped admin passphrase');
    } finally {
      await t.close();
    }
  });

  it('when the server runs on another port or address, then the sign-in address printed is that one, and says where it comes from', async () => {
    const t = await buildApp();
    const said: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((m: string) => void said.push(m));
    try {
      await t.store.close();
      await createAdmin(['--username', 'port-admin', '--password', 'a long admin passphrase'], { ...envOf(t), PORT: '8123' });
      expect(said.join('\n')).toContain('Sign in at http://127.0.0.1:8123/login.');
      expect(said.join('\n')).toContain('HOST and PORT (127.0.0.1:8123');
      said.length = 0;
      await createAdmin(['--username', 'proxied-admin', '--password', 'a long admin passphrase'], { ...envOf(t), BASE_URL: 'https://onramp.example.org' });
      expect(said.join('\n')).toContain('Sign in at https://onramp.example.org/login.');
      expect(said.join('\n')).toMatch(/comes from BASE_URL.*same settings/);
    } finally {
      spy.mockRestore();
      await t.close();
    }
  });

  it('when the server holds the data folder, or the arguments are wrong, then it says so clearly', async () => {
    // The data folder's lock is the embedded store's (on PostgreSQL the command runs beside the servers).
    const t = await buildApp({}, undefined, undefined, { embedded: true });
    try {
      await expect(createAdmin(['--username', 'blocked', '--password', 'a long admin passphrase'], envOf(t))).rejects.toThrow(/server is running.*Stop the server/s);
      await expect(createAdmin([], envOf(t))).rejects.toBeInstanceOf(CliError);
      await expect(createAdmin(['--username', 'x'], envOf(t))).rejects.toThrow(/--username/);
    } finally {
      await t.close();
    }
  });
});
