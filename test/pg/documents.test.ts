import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import postgres from 'postgres';
import { openPgStore } from '../../src/lib/db.ts';
import type { PgStore } from '../../src/lib/store/pg/pg-store.ts';
import { dropDatabase, freshDatabase, onPostgres } from '../support/pg-databases.ts';

/** Text a learner can paste or type: quotes, backslashes, control characters, escapes JSON keeps as such. */
// (The index values stay clear of NUL: a text column cannot hold it, and usernames never contain it.)
const awkward = [
  'a "quoted" word and a \\ backslash, \\" both',
  'NUL \u0000 bell \u0007 tab\t newline\n return\r',
  'lone surrogates \ud800 and \udfff, a pair 😀, accents é ü, line separators \u2028\u2029',
  '{"looks": ["like", "json"]}, null, [1, 2]',
  'null',
];

/**
 * A record goes to the database as its JSON text and must come back the same, byte for byte, to
 * this instance, to another one that applies the batch, and to one that loads the tables afresh.
 */
describe.skipIf(!onPostgres())('documents in PostgreSQL', () => {
  let url: string;
  let a: PgStore;
  let b: PgStore;
  beforeEach(async () => {
    url = await freshDatabase();
    a = await openPgStore(url, { log: () => {} });
    b = await openPgStore(url, { log: () => {} });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await dropDatabase(url);
  });

  it('when one batch writes awkward text and deletes a record, then every instance and the table hold exactly what was written', async () => {
    await a.commit([{ c: 'meta', k: 'gone', v: { n: 1 } }]);
    const users = awkward.map((text, i) => ({ id: `u${i}`, username: text, usernameKey: `key ${i}`, bio: text }));
    // Written at once, they share one transaction (and the delete is in it).
    await Promise.all([
      ...users.map((u) => a.commit([{ c: 'users', k: u.id, v: u }])),
      a.commit([{ c: 'meta', k: 'gone', v: null }]),
      a.commit([{ c: 'meta', k: 'texts', v: { awkward } }]),
    ]);
    await b.caughtUp();
    const fresh = await openPgStore(url, { log: () => {} });
    try {
      for (const store of [a, b, fresh]) {
        for (const u of users) expect(store.get('users', u.id)).toEqual(u);
        expect(store.lookup('users', 'username', users[2]!.usernameKey)).toBe('u2');
        expect(store.get('meta', 'texts')).toEqual({ awkward });
        expect(store.get('meta', 'gone')).toBeUndefined();
      }
    } finally {
      await fresh.close();
    }
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ key: string; doc: string; ix_username: string }[]>`SELECT key, doc, ix_username FROM users ORDER BY key`;
      expect(rows.map((r) => r.doc)).toEqual(users.map((u) => JSON.stringify(u)));
      expect(rows.map((r) => r.ix_username)).toEqual(users.map((u) => u.usernameKey));
      const changes = await sql<{ k: string; doc: string | null }[]>`SELECT k, doc FROM onramp_changes WHERE c = 'meta' AND k = 'gone' ORDER BY seq`;
      expect(changes.map((r) => r.doc)).toEqual([JSON.stringify({ n: 1 }), null]);
    } finally {
      await sql.end();
    }
  });
});
