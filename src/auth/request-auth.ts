import session from 'express-session';
import type { PassportStatic } from 'passport';
import type { RequestHandler } from 'express';
import { markViaToken, viaToken } from '../lib/security.ts';
import type { Config } from '../config.ts';
import { unauthorized } from '../lib/errors.ts';
import type { AppSessionStore } from './session-store.ts';
import type { TokensRepository } from './tokens-repository.ts';
import type { UsersRepository } from './users-repository.ts';
import { toSessionUser } from './passport.ts';

/** A bearer token authenticates an API call on its own: no cookie, no session, no CSRF. */
export function bearerAuth(tokens: TokensRepository, users: UsersRepository): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    if (!req.path.startsWith('/api/')) return next(unauthorized('Tokens are accepted by the API only.'));
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? tokens.find(m[1]!) : undefined;
    const user = token ? users.byId(token.userId) : undefined;
    if (!user) return next(unauthorized('The access token is not valid.'));
    req.user = toSessionUser(user);
    markViaToken(req);
    next();
  };
}

/**
 * The cookie session and passport's user lookup, as one step. Token requests carry no cookie and
 * skip it entirely.
 */
export function cookieAuth(config: Config, store: AppSessionStore, passport: PassportStatic): RequestHandler {
  const sessionMiddleware = session({
    name: config.secureCookies ? '__Host-onramp.sid' : 'onramp.sid',
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
  return (req, res, next) => {
    if (viaToken(req)) return next();
    sessionMiddleware(req, res, (err?: unknown) => {
      if (err) return next(err);
      passportInit(req, res, (err2?: unknown) => (err2 ? next(err2) : passportSession(req, res, next)));
    });
  };
}
