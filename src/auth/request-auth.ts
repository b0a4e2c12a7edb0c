import session from 'express-session';
import { parse as parseCookies } from 'cookie';
import { unsign } from 'cookie-signature';
import { LRUCache } from 'lru-cache';
import type { PassportStatic } from 'passport';
import type { Request, RequestHandler } from 'express';
import { markViaToken, viaToken } from '../lib/security.ts';
import type { Config } from '../config.ts';
import { unauthorized } from '../lib/errors.ts';
import type { AppSessionStore } from './session-store.ts';
import type { TokensRepository } from './tokens-repository.ts';
import type { UsersRepository } from './users-repository.ts';
import { toSessionUser, userOfSessionKey } from './passport.ts';

/** A bearer token authenticates an API call on its own: no cookie, no session, no CSRF. */
export function bearerAuth(tokens: TokensRepository, users: UsersRepository): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    if (!req.path.startsWith('/api/')) return next(unauthorized('Tokens are accepted by the API only.'));
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? tokens.find(m[1]!) : undefined;
    const user = token ? users.peek(token.userId) : undefined;
    if (!user) return next(unauthorized('The access token is not valid.'));
    req.user = toSessionUser(user);
    markViaToken(req);
    next();
  };
}

const READS = new Set(['GET', 'HEAD']);

/**
 * The cookie session and passport's user lookup, as one step. Token requests carry no cookie and
 * skip it entirely.
 *
 * Reading a page changes nothing in its session, so a GET or HEAD that brings a validly signed cookie
 * of a live session which already holds its CSRF token and no message to show takes a short way: the
 * session is the store's shared, frozen record and the user is looked up as passport's deserializer
 * does, without express-session's per-request machinery (a Session object, a change hash, response
 * hooks) or passport's. That is most of the cost of a page. Everything else (no session yet, a
 * message to show once, any change, any unsafe method) goes through express-session and passport. A
 * read handler that tried to change the session would throw on the frozen object, not lose the change.
 */
export function cookieAuth(config: Config, store: AppSessionStore, passport: PassportStatic, users: UsersRepository): RequestHandler {
  const name = config.secureCookies ? '__Host-onramp.sid' : 'onramp.sid';
  const sessionMiddleware = session({
    name,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.trustProxy !== false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: 14 * 24 * 60 * 60 * 1000, path: '/' },
  });
  const passportInit = passport.initialize();
  const passportSession = passport.session();
  // A cookie value whose signature checked out once names the same session every time: remembering
  // it saves an HMAC per page. Only values that verified are kept, so a forged one is always checked.
  const verified = new LRUCache<string, string>({ max: 20_000 });
  const sessionIdOf = (raw: string): string | undefined => {
    const known = verified.get(raw);
    if (known !== undefined) return known;
    for (const secret of config.sessionSecret) {
      const sid = unsign(raw.slice(2), secret);
      if (sid !== false) {
        verified.set(raw, sid);
        return sid;
      }
    }
    return undefined;
  };
  const readOnly = (req: Request): boolean => {
    if (!READS.has(req.method) || !req.headers.cookie) return false;
    const raw = parseCookies(req.headers.cookie)[name];
    if (!raw?.startsWith('s:')) return false;
    const sid = sessionIdOf(raw);
    if (sid === undefined) return false;
    const data = store.peek(sid);
    if (!data || typeof data.csrfToken !== 'string' || data.flash !== undefined) return false;
    const key = data.passport?.user;
    const user = key === undefined ? undefined : userOfSessionKey(users, key);
    if (key !== undefined && !user) return false; // passport will drop the stale login from the session
    req.sessionID = sid;
    req.session = data as unknown as typeof req.session;
    req.user = user;
    return true;
  };
  return (req, res, next) => {
    if (viaToken(req) || readOnly(req)) return next();
    sessionMiddleware(req, res, (err?: unknown) => {
      if (err) return next(err);
      passportInit(req, res, (err2?: unknown) => (err2 ? next(err2) : passportSession(req, res, next)));
    });
  };
}
