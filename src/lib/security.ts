import helmet from 'helmet';
import express, { Router, type Request, type Response, type NextFunction, type RequestHandler } from 'express';
import { AppError, badRequest, forbidden } from './errors.ts';
import { match } from 'path-to-regexp';
import { currentUser } from './web/roles.ts';

/**
 * Strict CSP: scripts and styles only from our own files, nothing inline, no framing, no <base>.
 *
 * helmet works the headers out; none of them depends on the request (the CSP has no nonce), so they
 * are recorded once and each response gets them in one step rather than through a dozen middlewares.
 */
export function securityHeaders(secure: boolean, formTargets: readonly string[] = []): RequestHandler {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => void headers.set(name, String(value)),
    removeHeader: (name: string) => void headers.delete(name),
  };
  let failed: unknown;
  helmetFor(secure, formTargets)({} as Request, recorder as unknown as Response, (err?: unknown) => (failed = err));
  if (failed || !headers.has('Content-Security-Policy')) throw new Error(`helmet gave no headers to record: ${String(failed)}`);
  const list = [...headers];
  return (_req, res, next) => {
    for (let i = 0; i < list.length; i++) res.setHeader(list[i]![0], list[i]![1]);
    res.removeHeader('X-Powered-By');
    next();
  };
}

/**
 * `formTargets`: origins a form may lead to besides our own. Browsers apply form-action to the
 * redirects that follow a form post too, and the "Sign in with …" button posts here and is then
 * sent on to the identity provider.
 */
function helmetFor(secure: boolean, formTargets: readonly string[]) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'none'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'form-action': ["'self'", ...formTargets],
        'frame-ancestors': ["'none'"],
        'img-src': ["'self'", 'https:', 'data:'],
        'object-src': ["'none'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        ...(secure ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
}

/**
 * Pages and API answers are made for one person (their name, progress and form tokens): no shared
 * cache may keep them, and a signed-in person's are not kept by the browser either, so nothing
 * private outlives a sign-out on a shared computer. Static files are served before this runs.
 */
export function personalCaching(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', currentUser(req) ? 'no-store' : 'private, no-cache');
  next();
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Runs `handlers` (body parsers and the checks that go with them) only for methods that change
 * something. body-parser would otherwise drain the empty stream of every GET, about a tenth of the
 * cost of a page.
 */
export function forUnsafeMethods(...handlers: RequestHandler[]): RequestHandler {
  const chain = Router().use(...handlers);
  return (req, res, next) => (UNSAFE.has(req.method) ? chain(req, res, next) : next());
}

/**
 * `first`, then `second` unless `first` answered or failed: two body parsers, one after the other.
 * Not `series`: every closure `series` makes shares its call site, and the more functions that site
 * sees, the slower the middleware that runs on every request gets (two servers measured in turn: with
 * the parsers in `series`, a write cost 5–15 % more CPU and a page about 6 % more).
 */
function both(first: RequestHandler, second: RequestHandler): RequestHandler {
  return (req, res, next) => first(req, res, (err?: unknown) => (err ? next(err) : second(req, res, next)));
}

/**
 * Runs `handler` for requests whose method is `method` (or any, for `*`) and whose path matches one
 * of `paths` (Express route syntax, matched as the router would: not case-sensitive, a trailing
 * slash allowed), and passes every other request by. For middleware that only a few routes need,
 * such as a body parser: a `Router()` holding it costs every write a router's work per layer.
 */
export function onPaths(method: string, paths: readonly string[], handler: RequestHandler): RequestHandler {
  const matches = paths.map((p) => match(p, { sensitive: false, end: true, trailing: true, decode: false }));
  const wanted = (req: Request) => (method === '*' || req.method === method) && matches.some((m) => m(req.path) !== false);
  return (req, res, next) => (wanted(req) ? handler(req, res, next) : next());
}

/** The host of an Origin header, or undefined when it is not a web origin (`null`, garbage). */
function originHost(value: string): string | undefined {
  if (!/^https?:\/\/[^/\s]+$/i.test(value)) return undefined;
  try {
    return new URL(value).host;
  } catch {
    return undefined;
  }
}

/**
 * Defence in depth against cross-site requests, on top of CSRF tokens: a state change that says it
 * comes from another site, or from an opaque origin (`Origin: null`, sent by sandboxed frames and
 * some cross-site redirects), or from an origin that does not even parse, is refused with 403.
 */
export function sameOriginGuard(baseUrl: string): RequestHandler {
  const origin = new URL(baseUrl).origin;
  return (req, _res, next) => {
    if (!UNSAFE.has(req.method)) return next();
    if (req.get('sec-fetch-site') === 'cross-site') return next(forbidden('Cross-site requests are not accepted.'));
    const reqOrigin = req.get('origin');
    if (reqOrigin === undefined || reqOrigin === origin) return next();
    const host = originHost(reqOrigin);
    if (host === undefined || host !== req.get('host')) return next(forbidden('Cross-site requests are not accepted.'));
    next();
  };
}

/** passport-local would also read credentials from the query string (and so from access logs). */
export function noCredentialsInQuery(req: Request, _res: Response, next: NextFunction): void {
  const q = req.query as Record<string, unknown>;
  if ('password' in q || 'username' in q || 'token' in q || 'access_token' in q) {
    return next(badRequest('Credentials are not accepted in the URL.'));
  }
  next();
}

/**
 * Request bodies: 64 KB for everything, and PASTE_BODY_MAX for the routes that take pasted text.
 * A form encodes each byte of a paste as up to three (`|`, `+` and newlines in a `system host-list`
 * table become %7C, %2B and %0A; a three-byte character becomes nine), so 64 KB of pasted characters
 * needs up to 576 KB on the wire. The route's own schema then keeps the text to its real limit.
 */
export const BODY_MAX = '64kb';
export const PASTE_BODY_MAX = '640kb';

export function jsonAndFormParsers(pasteRoutes: string[]): RequestHandler {
  const paste = onPaths('*', pasteRoutes, both(express.json({ limit: PASTE_BODY_MAX, strict: true }), express.urlencoded({ extended: false, limit: PASTE_BODY_MAX, parameterLimit: 50 })));
  // A body the paste parsers read is finished; the general ones then pass it by.
  return both(paste, both(express.json({ limit: BODY_MAX, strict: true }), express.urlencoded({ extended: false, limit: BODY_MAX, parameterLimit: 50 })));
}

/** Express 5 leaves req.body undefined when no parser matched: answer 415 instead of failing later. */
export function requireParsedBody(req: Request, _res: Response, next: NextFunction): void {
  if (!UNSAFE.has(req.method) || req.body !== undefined) return next();
  const length = Number(req.get('content-length') ?? 0);
  if (length === 0 && !req.get('transfer-encoding')) {
    req.body = {};
    return next();
  }
  next(new AppError(415, 'unsupported_media_type', 'Send JSON (application/json) or a form.'));
}
