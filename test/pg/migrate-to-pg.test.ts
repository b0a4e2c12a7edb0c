import { describe, it, expect, vi } from 'vitest';
import request from 'supertest';
import { buildApp, apiUser, logIn } from '../support/app.ts';
import { dropDatabase, freshDatabase, onPostgres } from '../support/pg-databases.ts';
import { tempDir } from '../support/temp.ts';
import { migrateToPg } from '../../src/cli/migrate-to-pg.ts';

/** Moving an install from the embedded store to PostgreSQL with a backup file. */
describe.skipIf(!onPostgres())('npm run migrate-to-pg -- BACKUP_FILE', () => {
  it('when an embedded backup is loaded into an empty database, then everyone signs in there with their progress, votes and session; a second load is refused unless told', async () => {
    const old = await buildApp({}, undefined, undefined, { embedded: true });
    const url = await freshDatabase();
    try {
      const token = await apiUser(old.app, 'mover');
      await request(old.app).put('/api/me/progress/demo-install/prepare').set('authorization', `Bearer ${token}`).send({ done: true }).expect(200);
      await request(old.app).post('/api/me/progress/demo-install/unlock/checkpoint').set('authorization', `Bearer ${token}`).send({ output: 'not yet' }).expect(200);
      await request(old.app).post('/api/faq/kubectl-refused/votes').set('authorization', `Bearer ${token}`).send({ helpful: true }).expect(200);
      const host = await apiUser(old.app, 'mover-host');
      await old.ports.users.change(old.ports.users.byUsername('mover-host')!.id, (u) => ({ ...u, role: 'host' }));
      const session = await request(old.app).post('/api/sessions').set('authorization', `Bearer ${host}`).send({
        workshop: 'demo-install', title: 'Moved session', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 10,
      }).expect(201);
      await request(old.app).post('/api/sessions/join').set('authorization', `Bearer ${token}`).send({ code: session.body.code }).expect(201);
      const counts = Object.fromEntries(['users', 'tokens', 'progress', 'faq', 'faqVotes', 'liveSessions', 'participants', 'liveEvents'].map((c) => [c, old.store.count(c)]));
      const file = await old.store.backup(tempDir('backups'));

      const out = vi.spyOn(console, 'log').mockImplementation(() => {});
      const err = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        expect(await migrateToPg([file], { NODE_ENV: 'test', DATABASE_URL: url })).toBe(0);
        expect(out.mock.calls.at(-1)![0]).toMatch(/^Loaded \d+ records from .* into PostgreSQL \(data schema \d+\)/);
        // A second load would mix two sites' records: refused, with the way to do it anyway.
        await expect(migrateToPg([file], { NODE_ENV: 'test', DATABASE_URL: url })).rejects.toThrow(/already holds records \(users: 2, .*nothing was loaded\.\n.*--into-non-empty/s);
        expect(await migrateToPg([file, '--into-non-empty'], { NODE_ENV: 'test', DATABASE_URL: url })).toBe(0);
        await expect(migrateToPg([], { NODE_ENV: 'test', DATABASE_URL: url })).rejects.toThrow(/Usage: DATABASE_URL=/);
        await expect(migrateToPg([file], { NODE_ENV: 'test' })).rejects.toThrow(/Set DATABASE_URL/);
      } finally {
        out.mockRestore();
        err.mockRestore();
      }

      const moved = await buildApp({}, undefined, undefined, { databaseUrl: url, ownsDatabase: false });
      try {
        for (const [c, n] of Object.entries(counts)) expect(moved.store.count(c), c).toBe(n);
        // The same password signs in, the same token works, the work is there.
        await logIn(moved.app, 'mover');
        const p = await request(moved.app).get('/api/me/progress/demo-install').set('authorization', `Bearer ${token}`).expect(200);
        expect(p.body.steps.prepare.done).toBe(true);
        expect(p.body.steps.unlock.checkpoint.attempts).toBe(1);
        expect((await request(moved.app).get('/api/faq/kubectl-refused').expect(200)).body.votes).toEqual({ helpful: 1, notHelpful: 0 });
        const report = await request(moved.app).get(`/api/sessions/${session.body.id}/report`).set('authorization', `Bearer ${host}`).expect(200);
        expect(report.body.participants.map((x: { username: string }) => x.username)).toEqual(['mover']);
        // Live events go on from the last id the embedded store gave.
        const before = moved.store.lastOf('liveEvents', session.body.id);
        expect(before).toBeGreaterThan(0);
        await request(moved.app).post(`/api/sessions/${session.body.id}/announcements`).set('authorization', `Bearer ${host}`).send({ text: 'moved' }).expect(201);
        expect(moved.store.lastOf('liveEvents', session.body.id)).toBe(before + 1);
      } finally {
        await moved.close();
      }
    } finally {
      await old.close();
      await dropDatabase(url);
    }
  });
});
