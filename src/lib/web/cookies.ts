import { parse as parseCookies, serialize, type CookieSerializeOptions as SerializeOptions } from 'cookie';
import { sign, unsign } from 'cookie-signature';
import { LRUCache } from 'lru-cache';
import type { Request, Response } from 'express';

/** The cookies Onramp sets. Over https they carry the `__Host-` prefix: no subdomain can set or read them. */
export const COOKIE_NAMES = ['sid', 'visitor', 'flash', 'csrf', 'profile', 'device', 'oidc', 'oidc-new'] as const;
export type CookieName = (typeof COOKIE_NAMES)[number];

export interface CookieJar {
  name(cookie: CookieName): string;
  /** Every cookie of the request, parsed once and kept on it (csrf-csrf reads `req.cookies` too). */
  all(req: Request): Record<string, string | undefined>;
  /** The value of a signed cookie, or undefined when it is absent or its signature does not verify. */
  readSigned(req: Request, cookie: CookieName): string | undefined;
  setSigned(res: Response, cookie: CookieName, value: string, options?: { maxAgeSeconds?: number; httpOnly?: boolean }): void;
  set(res: Response, cookie: CookieName, value: string, options?: { maxAgeSeconds?: number; httpOnly?: boolean }): void;
  clear(res: Response, cookie: CookieName): void;
}

/**
 * Signed cookies with the session secret (the first signs, all verify, so a secret can be rotated).
 * A raw value whose signature verified once is remembered, so a page read costs no HMAC; a forged
 * value is never remembered and is checked every time.
 */
export function createCookieJar(secrets: readonly string[], secure: boolean): CookieJar {
  const verified = new LRUCache<string, string>({ max: 20_000 });
  const name = (cookie: CookieName) => (secure ? `__Host-onramp.${cookie}` : `onramp.${cookie}`);
  const base: SerializeOptions = { path: '/', sameSite: 'lax', secure, httpOnly: true };

  function all(req: Request): Record<string, string | undefined> {
    const r = req as Request & { cookies?: Record<string, string | undefined> };
    if (!r.cookies) r.cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
    return r.cookies;
  }

  function append(res: Response, header: string): void {
    const prev = res.getHeader('Set-Cookie');
    res.setHeader('Set-Cookie', prev === undefined ? [header] : [...(Array.isArray(prev) ? prev : [String(prev)]), header]);
  }

  const set: CookieJar['set'] = (res, cookie, value, options = {}) =>
    append(res, serialize(name(cookie), value, { ...base, httpOnly: options.httpOnly ?? true, ...(options.maxAgeSeconds !== undefined ? { maxAge: options.maxAgeSeconds } : {}) }));

  return {
    name,
    all,
    readSigned(req, cookie) {
      let raw = all(req)[name(cookie)];
      if (!raw) return undefined;
      // express-session wrote "s:" before the signed id; such cookies still name their session.
      if (raw.startsWith('s:')) raw = raw.slice(2);
      const known = verified.get(raw);
      if (known !== undefined) return known;
      for (const secret of secrets) {
        const value = unsign(raw, secret);
        if (value !== false) {
          verified.set(raw, value);
          return value;
        }
      }
      return undefined;
    },
    setSigned: (res, cookie, value, options) => set(res, cookie, sign(value, secrets[0]!), options),
    set,
    clear: (res, cookie) => append(res, serialize(name(cookie), '', { ...base, maxAge: 0, expires: new Date(0) })),
  };
}
