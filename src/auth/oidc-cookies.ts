import type { Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { CookieJar } from '../lib/web/cookies.ts';

/** A sign-in at the provider must come back within this time. */
export const FLOW_TTL_MS = 10 * 60_000;
/** Choosing a username after a first sign-in must happen within this time. */
export const PENDING_TTL_MS = 15 * 60_000;

const Flow = z.strictObject({
  kind: z.literal('flow'),
  state: z.string().min(16).max(128),
  nonce: z.string().min(16).max(128),
  verifier: z.string().min(43).max(128),
  next: z.string().max(512),
  /** Set when a signed-in user links an identity: the callback must find the same user signed in. */
  linkTo: z.string().max(64).optional(),
  exp: z.number(),
});
export type Flow = z.infer<typeof Flow>;

const Pending = z.strictObject({
  kind: z.literal('pending'),
  issuer: z.string().max(500),
  subject: z.string().max(255),
  display: z.string().max(200),
  suggested: z.string().max(32),
  next: z.string().max(512),
  exp: z.number(),
});
export type Pending = z.infer<typeof Pending>;

/**
 * The state of a sign-in lives in the browser, not on the server: a short-lived cookie, signed with
 * the session secret (so it cannot be forged) and HttpOnly, that the callback reads once and clears.
 * A state is also remembered as used for as long as it could be valid, so a callback replayed with a
 * copy of the old cookie is refused too (the provider's one-time code refuses it a second time anyway).
 */
export function createOidcCookies(jar: CookieJar) {
  const used = new LRUCache<string, true>({ max: 50_000, ttl: FLOW_TTL_MS });

  function write(res: Response, cookie: 'oidc' | 'oidc-new', value: object, ttlMs: number) {
    const body = Buffer.from(JSON.stringify({ ...value, exp: Date.now() + ttlMs })).toString('base64url');
    jar.setSigned(res, cookie, body, { maxAgeSeconds: Math.floor(ttlMs / 1000) });
  }

  function read<T extends { exp: number }>(req: Request, cookie: 'oidc' | 'oidc-new', schema: z.ZodType<T>): T | undefined {
    const raw = jar.readSigned(req, cookie);
    if (!raw || raw.length > 3000) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
      return parsed.success && parsed.data.exp > Date.now() ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    startFlow: (res: Response, flow: Omit<Flow, 'kind' | 'exp'>) => write(res, 'oidc', { kind: 'flow', ...flow }, FLOW_TTL_MS),

    /** The flow this browser started, once: the cookie is cleared and its state cannot be used again. */
    takeFlow(req: Request, res: Response): Flow | undefined {
      const flow = read(req, 'oidc', Flow);
      if (jar.all(req)[jar.name('oidc')] !== undefined) jar.clear(res, 'oidc');
      if (!flow || used.has(flow.state)) return undefined;
      used.set(flow.state, true);
      return flow;
    },

    setPending: (res: Response, pending: Omit<Pending, 'kind' | 'exp'>) => write(res, 'oidc-new', { kind: 'pending', ...pending }, PENDING_TTL_MS),
    pending: (req: Request) => read(req, 'oidc-new', Pending),
    clearPending: (res: Response) => jar.clear(res, 'oidc-new'),
  };
}

export type OidcCookies = ReturnType<typeof createOidcCookies>;
