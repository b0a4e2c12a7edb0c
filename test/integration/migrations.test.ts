import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/lib/db.ts';
import { migrate, schemaVersion, StoreTooNewError } from '../../src/lib/store/migrate.ts';
import { MIGRATIONS } from '../../src/migrations/migrations.ts';
import { tempDir } from '../support/temp.ts';
import { buildApp, apiUser } from '../support/app.ts';
import request from 'supertest';

const S1 = '3f0c2b8e-6c1d-4a5e-9b7f-2d4e6f8a0b1c';
const latest = Math.max(...MIGRATIONS.map((m) => m.version));

describe('data migrations of the embedded store', () => {
  it('when the data predates live questions as records, then start-up moves them and the room still shows them with their votes', async () => {
    const dir = tempDir('migrate');
    const store = await openStore(join(dir, 'store'), { log: () => {} });
    // A session as an older Onramp stored it: questions (and their votes) inside the session record.
    const now = new Date().toISOString();
    await store.commit([
      { c: 'users', k: 'u1', v: { id: 'u1', username: 'alice', usernameKey: 'alice', passwordHash: 'x', role: 'learner', createdAt: now, sessionVersion: 1 } },
      { c: 'liveSessions', k: S1, v: { id: S1, code: 'ABCDEFG', workshop: 'demo-install', title: 'Old', startsAt: now, durationMinutes: 60, capacity: 5, hosts: ['u1'], helpers: [], status: 'scheduled', announcements: [], createdAt: now, createdBy: 'u1',
        questions: [{ id: 'q1', by: 'u1', byName: 'alice', text: 'Why?', votes: ['u2', 'u3'], answered: false, pinned: false, at: now }] } },
    ]);
    expect(schemaVersion(store)).toBe(0);
    await migrate(store, MIGRATIONS, () => {});
    expect(schemaVersion(store)).toBe(latest);
    expect(store.get<{ questions?: unknown }>('liveSessions', S1)!.questions).toBeUndefined();
    expect(store.get('liveQuestions', `${S1}~q1`)).toMatchObject({ sessionId: S1, id: 'q1', text: 'Why?' });
    expect([store.get('liveVotes', `${S1}~q1~u2`), store.get('liveVotes', `${S1}~q1~u3`)]).toEqual([expect.objectContaining({ userId: 'u2' }), expect.objectContaining({ userId: 'u3' })]);
    await store.close();

    const t = await buildApp({}, dir, undefined, { embedded: true });
    try {
      const token = await apiUser(t.app, 'newhost');
      await t.ports.users.update({ ...t.ports.users.byUsername('newhost')!, role: 'admin' });
      const state = await request(t.app).get(`/api/sessions/${S1}/state`).set('Authorization', `Bearer ${token}`).expect(200);
      expect(state.body.questions).toEqual([expect.objectContaining({ text: 'Why?', votes: 2 })]);
    } finally {
      await t.close();
    }
  });

  it('when the data was written by a newer Onramp, then start-up refuses and changes nothing', async () => {
    const dir = tempDir('too-new');
    const store = await openStore(join(dir, 'store'), { log: () => {} });
    await store.commit([{ c: 'meta', k: 'schema', v: { version: latest + 1 } }]);
    await expect(migrate(store, MIGRATIONS, () => {})).rejects.toThrow(StoreTooNewError);
    await expect(migrate(store, MIGRATIONS, () => {})).rejects.toThrow(/newer Onramp \(data schema \d+; this version knows up to \d+\)/);
    expect(schemaVersion(store)).toBe(latest + 1);
    await store.close();
  });

  it('when a store is new, then it starts at the newest schema without running migrations', async () => {
    const store = await openStore(join(tempDir('fresh'), 'store'), { log: () => {} });
    const log: string[] = [];
    await migrate(store, MIGRATIONS, (m) => log.push(m));
    expect(schemaVersion(store)).toBe(latest);
    expect(log).toEqual([]);
    await store.close();
  });

  it('when reviewers commented before comments were Markdown, then start-up renders them once, sanitized, and the author sees them rendered', async () => {
    const dir = tempDir('migrate-comments');
    const store = await openStore(join(dir, 'store'), { log: () => {} });
    const now = new Date().toISOString();
    const fields = { title: 'An older entry', errorText: '', deployment: ['any'], phase: 'install', releases: 'any', cause: 'c', fix: 'f', sources: [], tags: [], steps: [], signatures: [] };
    await store.commit([
      { c: 'meta', k: 'schema', v: { version: 1, at: now } },
      { c: 'users', k: 'u1', v: { id: 'u1', username: 'olduser', usernameKey: 'olduser', passwordHash: 'x', role: 'contributor', createdAt: now, sessionVersion: 1 } },
      { c: 'faq', k: 'an-older-entry', v: { id: 'an-older-entry', ...fields, causeHtml: '<p>c</p>', fixHtml: '<p>f</p>', authors: ['u1'], status: 'changes-requested', revisions: [{ at: now, by: 'u1', note: 'x', fields }],
        reviews: [{ at: now, by: 'u1', decision: 'request-changes', comment: 'Add the **exact** command: `system host-list` <script>alert(1)</script>' }], createdAt: now, updatedAt: now } },
    ]);
    await migrate(store, MIGRATIONS, () => {});
    const review = store.get<{ reviews: { commentHtml?: string }[] }>('faq', 'an-older-entry')!.reviews[0]!;
    expect(review.commentHtml).toContain('<strong>exact</strong>');
    expect(review.commentHtml).toContain('<code>system host-list</code>');
    expect(review.commentHtml).not.toContain('<script');
    await store.close();
  });
});
