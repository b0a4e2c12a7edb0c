import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { forbidden, unauthorized } from '../lib/errors.ts';
import type { CookieJar } from '../lib/web/cookies.ts';
import { setIdentity, viaToken } from '../lib/web/roles.ts';
import type { TokensRepository } from './tokens-repository.ts';
import type { UsersRepository } from './users-repository.ts';
import type { WebSessions } from './web-sessions.ts';
import { toSessionUser } from './users-repository.ts';

const VISITOR_ID = /^[0-9a-f]{32}$/;

/**
 * What a "checkpoints only" token may do: post a checkpoint's output and read its owner's progress.
 * Checked here, once, for every route, so a route added later cannot forget it.
 */
const CHECKPOINT_SCOPE: [string, RegExp][] = [
  ['POST', /^\/api\/me\/progress\/[a-z0-9-]+\/[a-z0-9-]+\/checkpoint$/],
  ['GET', /^\/api\/me\/progress(?:\/[a-z0-9-]+)?$/],
];
const allowedFor = (scopes: readonly string[], method: string, path: string) =>
  scopes.includes('all') || (scopes.includes('checkpoints') && CHECKPOINT_SCOPE.some(([m, re]) => (m === method || (m === 'GET' && method === 'HEAD')) && re.test(path)));
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** A bearer token authenticates an API call on its own: no cookie, no session, no CSRF. */
export function bearerAuth(tokens: TokensRepository, users: UsersRepository): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    if (!req.path.startsWith('/api/')) return next(unauthorized('Tokens are accepted by the API only.'));
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? tokens.find(m[1]!) : undefined;
    const user = token ? users.peek(token.userId) : undefined;
    if (!token || !user) return next(unauthorized('The access token is not valid.'));
    const scopes = token.scopes ?? ['all'];
    if (!allowedFor(scopes, req.method, req.path)) return next(forbidden('This token may only post checkpoint output and read your progress.'));
    setIdentity(req, { user: toSessionUser(user), viaToken: true, tokenScopes: scopes });
    tokens.touch(token);
    next();
  };
}

/**
 * The browser's identity, the same way for every method: a signed-in session (its cookie, the
 * session record and the user it names, whose `sessionVersion` must still match), or a visitor. A
 * visitor has no server-side state at all until they save progress, which gives them an id in a
 * signed cookie. Nothing here writes: reading a page never changes anything.
 */
export function cookieAuth(jar: CookieJar, sessions: WebSessions, users: UsersRepository): RequestHandler {
  return (req, res, next) => {
    if (viaToken(req)) return next();
    jar.all(req);
    const session = sessions.read(req);
    const user = session ? users.peek(session.userId) : undefined;
    if (session && user && user.sessionVersion === session.version) {
      setIdentity(req, { user: toSessionUser(user), webSessionId: session.sid, profile: user.profile });
      return next();
    }
    const visitor = jar.readSigned(req, 'visitor');
    const profile = jar.all(req)[jar.name('profile')];
    setIdentity(req, {
      profile: profile ? Object.fromEntries(new URLSearchParams(profile)) : undefined,
      visitorId: visitor && VISITOR_ID.test(visitor) ? visitor : undefined,
      ensureVisitor: () => {
        const id = randomBytes(16).toString('hex');
        jar.setSigned(res, 'visitor', id, { maxAgeSeconds: YEAR_SECONDS });
        setIdentity(req, { visitorId: id });
        return id;
      },
    });
    next();
  };
}

/** The visitor id a signed-in browser had before signing in (its progress joins the account). */
export const visitorOf = (jar: CookieJar, req: Request) => {
  const v = jar.readSigned(req, 'visitor');
  return v && VISITOR_ID.test(v) ? v : undefined;
};
