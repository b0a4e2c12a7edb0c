import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import postgres from 'postgres';
import { openPgStore } from '../../src/lib/db.ts';
import type { PgStore } from '../../src/lib/store/pg/pg-store.ts';
import { dropDatabase, freshDatabase, onPostgres } from '../support/pg-databases.ts';

const user = (id: string, key: string) => ({ id, username: key, usernameKey: key });

/**
 * A batch's statements run in one transaction. When one fails, the connection must not go back to the
 * pool inside the aborted transaction: the next user of that connection would be answered "current
 * transaction is aborted" (a 500 for someone else's request). A writer that sent its statements
 * without waiting for each did exactly that when the refused one was new to the connection.
 */
describe.skipIf(!onPostgres())('a write the database refuses', () => {
  let url: string;
  let a: PgStore;
  beforeEach(async () => {
    url = await freshDatabase();
    a = await openPgStore(url, { log: () => {} });
  });
  afterEach(async () => {
    await a.close();
    await dropDatabase(url);
  });

  it('when a commit breaks a unique index, then it alone is refused and the same connection serves the next writes', async () => {
    await a.commit([{ c: 'users', k: 'u1', v: user('u1', 'taken') }]);
    // One connection, whose first write to users is the refused one (its statements are new to it).
    const one = await openPgStore(url, { poolSize: 1, log: () => {} });
    try {
      for (let i = 0; i < 3; i++) {
        await expect(one.commit([{ c: 'users', k: `dup${i}`, v: user(`dup${i}`, 'taken') }])).rejects.toMatchObject({ name: 'StoreConflictError' });
        await one.commit([{ c: 'users', k: `ok${i}`, v: user(`ok${i}`, `free ${i}`) }, { c: 'meta', k: `after${i}`, v: { i } }]);
        expect(one.get('meta', `after${i}`)).toEqual({ i });
        expect(one.lookup('users', 'username', `free ${i}`)).toBe(`ok${i}`);
      }
      expect(one.get('users', 'dup0')).toBeUndefined();
      await a.caughtUp();
      expect(a.lookup('users', 'username', 'taken')).toBe('u1');
      expect(a.get('meta', 'after2')).toEqual({ i: 2 });
    } finally {
      await one.close();
    }
  });

  it('when a commit is not taken in time, then a request waiting behind it is refused at once, not after a wait of its own', async () => {
    const slow = await openPgStore(url, { timeoutMs: 1000, pollMs: 60_000, log: () => {} });
    const other = postgres(url, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    try {
      await slow.commit([{ c: 'meta', k: 'm', v: { n: 0 } }]);
      // Another session holds the row lock every writer takes first: commits wait, as they do on a
      // database that is going away (this is how a 503 once took 9.9 s in the outage test).
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holding = other.begin(async (tx) => {
        await tx`SELECT seq FROM onramp_seq FOR UPDATE`;
        locked();
        await released;
      });
      await isLocked;
      const started = performance.now();
      const first = slow.transact(() => [{ c: 'meta', k: 'm', v: { n: 1 } }]);
      const second = slow.transact(() => [{ c: 'meta', k: 'm', v: { n: 2 } }]); // waits for the first: same record
      await expect(first).rejects.toMatchObject({ name: 'StoreUnavailableError' });
      await expect(second).rejects.toMatchObject({ name: 'StoreUnavailableError' });
      // Both within one timeout (before: the second waited out the first's, then its own: 2 s).
      expect(performance.now() - started).toBeLessThan(1500);
      release();
      await holding;
      // The next look at the database that succeeds lets writes through again.
      await slow.caughtUp();
      await slow.transact(() => [{ c: 'meta', k: 'm', v: { n: 3 } }]);
      expect(slow.get('meta', 'm')).toEqual({ n: 3 });
    } finally {
      release();
      await other.end();
      await slow.close();
    }
  });
});
