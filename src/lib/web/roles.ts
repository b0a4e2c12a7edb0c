import type { Request, Response, NextFunction } from 'express';
import { forbidden, unauthorized } from '../errors.ts';

export const ROLES = ['learner', 'contributor', 'host', 'maintainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who a request acts for, as read on this request (so a demotion counts at once). */
export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

/** What the request authentication (src/auth) tells the rest of the app about a request. */
interface RequestIdentity {
  user?: SessionUser;
  /** Set on requests authenticated by a bearer token: no cookie, so no session and no CSRF. */
  viaToken?: boolean;
  /** The scopes of that token (`all`, or `checkpoints`). */
  tokenScopes?: readonly string[];
  /** The signed-in browser session's id (for ending live streams at sign-out). */
  webSessionId?: string;
  /** A visitor's id from their cookie, if they saved progress before. */
  visitorId?: string;
  /** Gives the visitor an id (and its cookie) when they first save something. */
  ensureVisitor?: () => string;
  /** What the person said they install (from their account, or a visitor's cookie): raw, validate before use. */
  profile?: { deployment?: unknown; platform?: unknown };
}

/**
 * Kept beside the request rather than as properties on it: a request object already holds dozens of
 * properties, and adding more (or reading one it lacks, through its prototype chain) cost a signed-in
 * page several microseconds on every read.
 */
const identities = new WeakMap<Request, RequestIdentity>();
const NOBODY: RequestIdentity = Object.freeze({});
const identity = (req: Request): RequestIdentity => identities.get(req) ?? NOBODY;

const RANK: Record<Role, number> = { learner: 0, contributor: 1, host: 2, maintainer: 3, admin: 4 };

export const hasRole = (user: SessionUser | undefined, role: Role) => !!user && RANK[user.role] >= RANK[role];

export const currentUser = (req: Request): SessionUser | undefined => identity(req).user;
export const viaToken = (req: Request) => identity(req).viaToken === true;
export const webSessionId = (req: Request) => identity(req).webSessionId;
export const tokenScopes = (req: Request) => identity(req).tokenScopes;
export const rawProfile = (req: Request) => identity(req).profile ?? {};
export const setIdentity = (req: Request, id: RequestIdentity) => void identities.set(req, { ...identities.get(req), ...id });

/** Sends visitors to sign in (pages) or answers 401 (API); users below the role get 403. */
export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(req);
    if (!user) {
      if (req.originalUrl.startsWith('/api/')) return next(unauthorized());
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!hasRole(user, role)) return next(forbidden());
    next();
  };
}

export const requireUser = requireRole('learner');

/**
 * The learner whose progress a request reads or writes: the signed-in user, or the visitor's own
 * cookie. Never an id sent by the client. `create` gives a visitor an id when they first save.
 */
export function learnerId(req: Request, create = false): string | undefined {
  const r = identity(req);
  if (r.user) return r.user.id;
  if (r.visitorId) return `anon-${r.visitorId}`;
  return create && r.ensureVisitor ? `anon-${r.ensureVisitor()}` : undefined;
}
