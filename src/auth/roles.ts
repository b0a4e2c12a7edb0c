import type { Request, Response, NextFunction } from 'express';
import { randomBytes } from 'node:crypto';
import { forbidden, unauthorized } from '../lib/errors.ts';
import type { Role } from './users-repository.ts';
import type { SessionUser } from './passport.ts';

const RANK: Record<Role, number> = { learner: 0, contributor: 1, host: 2, maintainer: 3, admin: 4 };

export const hasRole = (user: SessionUser | undefined, role: Role) => !!user && RANK[user.role] >= RANK[role];

export const currentUser = (req: Request) => req.user as SessionUser | undefined;

/** Sends visitors to sign in (pages) or answers 401 (API); users below the role get 403. */
export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(req);
    if (!user) {
      if (req.path.startsWith('/api/') || req.originalUrl.startsWith('/api/')) return next(unauthorized());
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!hasRole(user, role)) return next(forbidden());
    next();
  };
}

export const requireUser = requireRole('learner');

/**
 * The learner whose progress a request reads or writes: the signed-in user, or the visitor's own
 * cookie session. Never an id sent by the client. `create` gives a visitor an id when they first save.
 */
export function learnerId(req: Request, create = false): string | undefined {
  const user = currentUser(req);
  if (user) return user.id;
  if (!req.session) return undefined;
  if (!req.session.anonId && create) req.session.anonId = `anon-${randomBytes(16).toString('hex')}`;
  return req.session.anonId;
}

declare module 'express-session' {
  interface SessionData {
    anonId?: string;
    flash?: string;
    /** Written by passport at login: `id:sessionVersion` (see passport.ts). */
    passport?: { user?: string };
  }
}
