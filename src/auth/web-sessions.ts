import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SessionsRepository, StoredSession } from './sessions-repository.ts';
import type { CookieJar } from '../lib/web/cookies.ts';

/** A signed-in browser: the only server-side session Onramp keeps (visitors have none). */
export interface WebSession {
  sid: string;
  userId: string;
  /** The user's `sessionVersion` at sign-in: bumping it ends every session of the user at once. */
  version: number;
  createdAt: string;
  expires: number;
}


const DAY = 24 * 60 * 60 * 1000;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reading a page never changes a session: a read handler that tries to is a bug, and says so loudly
 * (an identity provider's redirect back, which must sign in on a GET, opts in with allowOnRead).
 */
function assertChangeAllowed(req: Request, what: string, allowOnRead = false): void {
  if (READS.has(req.method) && !allowOnRead) throw new Error(`${what} on a ${req.method} request (${req.path}): sessions change only on POST, PUT, PATCH or DELETE`);
}
export const SESSION_TTL_MS = 14 * DAY;
const SWEEP_EVERY = 60 * 60 * 1000;

/**
 * Browser sessions of signed-in users, kept in the store (`sessions`). A session is written twice in
 * its life: at sign-in and at sign-out. Reading one is a cookie whose signature is remembered once
 * verified, a shared frozen record and the user it names; the same for every method, so there is one
 * path to reason about. Sessions last 14 days from sign-in.
 */
export function createWebSessions(repo: SessionsRepository, jar: CookieJar, ttlMs = SESSION_TTL_MS) {
  function normalize(rec: Readonly<StoredSession> | undefined): Readonly<WebSession> | undefined {
    if (!rec || rec.expires < Date.now()) return undefined;
    if (rec.userId) return rec as WebSession;
    const [userId, version] = String(rec.data?.passport?.user ?? '').split(':');
    return userId ? { sid: rec.sid, userId, version: Number(version), createdAt: '', expires: rec.expires } : undefined;
  }

  const sweeper = setInterval(() => void repo.removeExpired().catch(() => {}), SWEEP_EVERY);
  sweeper.unref();

  return {
    /** The live session the request's cookie names, if any (shared and frozen: never change it). */
    read(req: Request): Readonly<WebSession> | undefined {
      const sid = jar.readSigned(req, 'sid');
      return sid ? normalize(repo.peek(sid) as StoredSession | undefined) : undefined;
    },

    /** Whether a session still exists (a signed-out one is gone): live streams ask this. */
    isActive: (sid: string) => normalize(repo.peek(sid) as StoredSession | undefined) !== undefined,

    /** A new session for the user, replacing the request's old one: the id changes at every sign-in. */
    async start(req: Request, res: Response, user: { id: string; sessionVersion: number }, options: { allowOnRead?: boolean } = {}): Promise<WebSession> {
      assertChangeAllowed(req, 'Signing in', options.allowOnRead);
      const old = jar.readSigned(req, 'sid');
      const now = Date.now();
      const session: WebSession = { sid: randomBytes(24).toString('base64url'), userId: user.id, version: user.sessionVersion, createdAt: new Date(now).toISOString(), expires: now + ttlMs };
      await repo.replace(session, old);
      jar.setSigned(res, 'sid', session.sid, { maxAgeSeconds: Math.floor(ttlMs / 1000) });
      return session;
    },

    async end(req: Request, res: Response): Promise<string | undefined> {
      assertChangeAllowed(req, 'Signing out');
      const sid = jar.readSigned(req, 'sid');
      jar.clear(res, 'sid');
      if (sid) await repo.remove(sid);
      return sid;
    },

    /** Removes every session of a user (their account is being deleted). */
    endAllOf: (userId: string) => repo.removeAllOf(userId),

    close: () => clearInterval(sweeper),
  };
}

export type WebSessions = ReturnType<typeof createWebSessions>;
