import type { DeepReadonly, Store } from '../lib/store/store.ts';

/** A browser session as stored (see web-sessions.ts), or one written by express-session before. */
export interface StoredSession {
  sid: string;
  userId?: string;
  version?: number;
  createdAt?: string;
  expires: number;
  /** express-session's shape: `passport.user` = "id:version". */
  data?: { passport?: { user?: string } };
}

/** The `sessions` collection: signed-in browser sessions, by id and by user. */
export function createSessionsRepository(store: Store) {
  return {
    peek: (sid: string): DeepReadonly<StoredSession> | undefined => store.peek<StoredSession>('sessions', sid),
    /** Writes the new session and removes the old one in one batch. */
    replace: (session: StoredSession, oldSid?: string) =>
      store.commit([{ c: 'sessions', k: session.sid, v: session }, ...(oldSid && oldSid !== session.sid ? [{ c: 'sessions', k: oldSid, v: null }] : [])]),
    remove: (sid: string) => (store.peek('sessions', sid) ? store.commit([{ c: 'sessions', k: sid, v: null }]) : Promise.resolve()),
    removeAllOf: (userId: string) => store.commit(store.keysOf('sessions', 'user', userId).map((k) => ({ c: 'sessions', k, v: null }))),
    removeExpired(now = Date.now()): Promise<void> {
      const ops = [];
      for (const rec of store.values<StoredSession>('sessions')) if (rec.expires < now) ops.push({ c: 'sessions', k: rec.sid, v: null });
      return store.commit(ops);
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
