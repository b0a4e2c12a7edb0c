import { describe, it, expect, afterEach } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, type TestApp } from '../support/app.ts';
import { onPostgres } from '../support/pg-databases.ts';

const ENV = { LAB_SECRET: 'two-instances-lab-secret-0123456789abcdef' };

/** Workshop labs when participants join one session through two instances at the same moment. */
describe.skipIf(!onPostgres())('labs on two instances', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const t of apps.splice(0).reverse()) await t.close();
  });

  it('when eight people join a session with three labs through both instances at once, then three hold one lab each and five wait, the same on both', async () => {
    const a = await buildApp(ENV);
    apps.push(a);
    const b = await buildApp(ENV, undefined, undefined, { databaseUrl: a.databaseUrl });
    apps.push(b);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const host = await apiUser(a.app, 'lab-host');
    await a.ports.users.change(a.ports.users.byUsername('lab-host')!.id, (u) => ({ ...u, role: 'host' }));
    const created = await request(a.app).post('/api/sessions').set(bearer(host)).send({
      workshop: 'demo-install', title: 'Labs on two instances', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 20,
    }).expect(201);
    const id = created.body.id as string;
    await request(b.app).post(`/api/sessions/${id}/labs`).set(bearer(host)).send({
      labs: [1, 2, 3].map((n) => ({ name: `lab-${n}`, host: `10.0.0.${n}`, username: 'sysadmin', password: `pw-${n}-secret` })),
    }).expect(201);

    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => apiUser(i % 2 ? b.app : a.app, `lab-person-${i}`)));
    const joins = await Promise.all(people.map((token, i) => request(i % 2 ? a.app : b.app).post('/api/sessions/join').set(bearer(token)).send({ code: created.body.code })));
    expect(joins.map((j) => j.status)).toEqual(Array(8).fill(201));

    for (const t of [a, b]) {
      const pool = (await request(t.app).get(`/api/sessions/${id}/labs`).set(bearer(host)).expect(200)).body as {
        labs: { holder: { username: string } | null }[];
        waiting: { username: string }[];
      };
      const holders = pool.labs.map((l) => l.holder?.username).filter((x): x is string => !!x);
      const waiting = pool.waiting.map((w) => w.username);
      expect(holders).toHaveLength(3);
      expect(new Set(holders).size).toBe(3);
      expect(waiting).toHaveLength(5);
      expect(new Set([...holders, ...waiting]).size).toBe(8);
    }
    // Each holder reads their own lab's password; nobody else's.
    const mine = await Promise.all(people.map((token, i) => request(i % 2 ? b.app : a.app).get(`/api/sessions/${id}/lab`).set(bearer(token)).expect(200)));
    const secrets = mine.flatMap((m) => (m.body.lab ? [m.body.lab.secret as string] : []));
    expect(secrets.sort()).toEqual(['pw-1-secret', 'pw-2-secret', 'pw-3-secret']);
  });
});
