import { createHmac } from 'node:crypto';
import { doubleCsrf } from 'csrf-csrf';
import { LRUCache } from 'lru-cache';
import type { NextFunction, Request, Response } from 'express';
import type { CookieJar } from './cookies.ts';
import { viaToken, webSessionId } from './roles.ts';

const CREDENTIAL_ENDPOINTS = new Set(['/api/users', '/api/tokens']);
/** The methods csrf-csrf leaves unchecked (its default `ignoredMethods`, passed explicitly below). */
const SAFE = ['GET', 'HEAD', 'OPTIONS'] as const;
const SAFE_METHODS = new Set<string>(SAFE);

/**
 * CSRF protection without a server-side session (csrf-csrf, signed double-submit cookie): the token
 * is an HMAC bound to the signed-in session's id, or to nothing for a visitor, and its copy lives in an
 * HttpOnly cookie. So a visitor who only reads creates nothing on the server, and a sign-in makes
 * every older token useless. The same-origin check (security.ts) runs before it.
 */
export function createCsrf(secrets: readonly string[], jar: CookieJar, secure: boolean) {
  // A key of its own, derived from the session secrets, so that no HMAC is shared between uses.
  const keys = secrets.map((s) => createHmac('sha256', s).update('onramp csrf').digest('base64url'));
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => keys,
    getSessionIdentifier: (req) => webSessionId(req) ?? '',
    cookieName: jar.name('csrf'),
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    size: 24,
    ignoredMethods: [...SAFE],
    getCsrfTokenFromRequest: (req) => {
      const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof fromBody === 'string') return fromBody;
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
    // Requests authenticated by a bearer token carry no cookie, so there is nothing to forge.
    // Sign-up and token creation by script send credentials, not cookies, as JSON (which a cross-site
    // form cannot send without a CORS preflight); they are exempt too.
    skipCsrfProtection: (req) =>
      viaToken(req) ||
      (req.method === 'POST' && CREDENTIAL_ENDPOINTS.has(req.path) && req.is('application/json') === 'application/json'),
    errorConfig: { statusCode: 403, message: 'The form expired or did not come from this site. Reload the page and try again.', code: 'csrf_invalid' },
  });
  // A cookie token whose HMAC verified for a session is remembered (like signed cookies, see
  // cookies.ts), so a page that shows forms costs no HMAC while the browser holds its token. A forged
  // or foreign token is never remembered; the key holds the session, so a token stays bound to it.
  const held = new LRUCache<string, true>({ max: 20_000 });
  const cookieName = jar.name('csrf');
  return {
    /** Checks unsafe methods; reading methods pass untouched (csrf-csrf would only hang an unused `req.csrfToken` on them). */
    protect: (req: Request, res: Response, next: NextFunction) => (SAFE_METHODS.has(req.method) ? next() : doubleCsrfProtection(req, res, next)),
    /** The request's token, made once per response however many forms ask for it. */
    tokenFor(req: Request, res: Response): () => string {
      let token: string | undefined;
      return () => {
        if (token !== undefined) return token;
        const cookies = jar.all(req); // csrf-csrf reads req.cookies, which an early error page may not have parsed yet
        const cookie = cookies[cookieName];
        const key = cookie && `${webSessionId(req) ?? ''}\u0000${cookie}`;
        if (key && held.has(key)) return (token = cookie!);
        // A token the request's cookie already holds is not sent again: the cookie lasts the browser session.
        const unlessHeld = {
          cookie: (name: string, value: string, options: object) => (cookies[name] === value ? res : res.cookie(name, value, options)),
        } as unknown as Response;
        token = generateCsrfToken(req, unlessHeld);
        if (key && token === cookie) held.set(key, true); // csrf-csrf verified the cookie and kept it
        return token;
      };
    },
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
