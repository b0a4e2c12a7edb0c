import session from 'express-session';
import { LRUCache } from 'lru-cache';
import { deepFreeze, type DeepReadonly, type Store } from '../lib/store/store.ts';

interface Stored {
  sid: string;
  data: session.SessionData;
  expires: number;
}

const DAY = 24 * 60 * 60 * 1000;
const SWEEP_EVERY = 60 * 60 * 1000;

/**
 * A session that holds nothing but a CSRF token (a visitor who only read a page with a form) is kept
 * in memory, bounded, not written to disk: otherwise every page view by a crawler would be a write.
 * It is written as soon as it holds something worth keeping (progress, a login, a message). After a
 * restart such a visitor's form asks them to reload, which is all they lose.
 */
const TRANSIENT = { max: 50_000, ttl: 2 * 60 * 60 * 1000 };
const worthKeeping = (sess: session.SessionData) =>
  Object.keys(sess).some((k) => k !== 'cookie' && k !== 'csrfToken');

/**
 * express-session store on the application store: sessions survive a restart, and an acknowledged
 * login is on disk. Expired sessions are swept hourly.
 *
 * There is deliberately no `touch`: express-session would call it on every request (about a sixth of
 * a page's cost), and without it a session lives 14 days from its last change (login, a new CSRF
 * token), an absolute lifetime rather than one that activity keeps extending.
 */
export class AppSessionStore extends session.Store {
  private readonly sweeper: NodeJS.Timeout;
  private readonly transient = new LRUCache<string, session.SessionData>(TRANSIENT);

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 14 * DAY,
  ) {
    super();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY);
    this.sweeper.unref();
  }

  private expiresOf(sess: session.SessionData): number {
    const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : 0;
    return cookieExpiry || Date.now() + this.ttlMs;
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    const light = this.transient.get(sid);
    if (light) return cb(null, structuredClone(light) as session.SessionData);
    const rec = this.store.get<Stored>('sessions', sid);
    if (!rec || rec.expires < Date.now()) return cb(null, null);
    cb(null, rec.data);
  }

  /** The live session's data, shared and frozen, without a copy: for requests that only read it. */
  peek(sid: string): DeepReadonly<session.SessionData> | undefined {
    const light = this.transient.get(sid);
    if (light) return light as DeepReadonly<session.SessionData>;
    const rec = this.store.peek<Stored>('sessions', sid);
    return rec && rec.expires >= Date.now() ? rec.data : undefined;
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const data = JSON.parse(JSON.stringify(sess)) as session.SessionData;
    if (!worthKeeping(data) && !this.store.get('sessions', sid)) {
      this.transient.set(sid, deepFreeze(data));
      return cb?.();
    }
    this.transient.delete(sid);
    this.store.commit([{ c: 'sessions', k: sid, v: { sid, data, expires: this.expiresOf(sess) } }]).then(() => cb?.(), cb);
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.transient.delete(sid);
    if (!this.store.get('sessions', sid)) return cb?.();
    this.store.commit([{ c: 'sessions', k: sid, v: null }]).then(() => cb?.(), cb);
  }

  /** Whether a session is still alive (a logged-out session is gone); used to end live streams. */
  isActive(sid: string): boolean {
    const rec = this.store.get<Stored>('sessions', sid);
    return !!rec && rec.expires >= Date.now() && !!(rec.data as { passport?: unknown }).passport;
  }

  private *entries(): Generator<[string, Stored]> {
    for (const rec of this.store.values<Stored>('sessions')) yield [rec.sid, rec];
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    const ops = [];
    for (const [sid, rec] of this.entries()) if (rec.expires < now) ops.push({ c: 'sessions', k: sid, v: null });
    await this.store.commit(ops).catch(() => {});
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
