import { Passport, type PassportStatic } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { AuthService } from './auth-service.ts';
import type { User, UsersRepository } from './users-repository.ts';

export interface SessionUser {
  id: string;
  username: string;
  role: User['role'];
}

export const toSessionUser = (u: Pick<User, 'id' | 'username' | 'role'>): SessionUser => ({ id: u.id, username: u.username, role: u.role });

/** The user a session's `id:sessionVersion` names, if that user still exists and the version holds. */
export function userOfSessionKey(users: UsersRepository, key: unknown): SessionUser | undefined {
  const [id, version] = String(key).split(':');
  const u = id ? users.peek(id) : undefined;
  return u && String(u.sessionVersion) === version ? toSessionUser(u) : undefined;
}

/**
 * The session keeps only `id:sessionVersion`; the user (and so the role) is read again on every
 * request, so a demotion or a password change takes effect at once.
 */
export function createPassport(auth: AuthService, users: UsersRepository): PassportStatic {
  const passport = new Passport() as PassportStatic;
  passport.use(
    new LocalStrategy({ session: true }, (username, password, done) => {
      if (typeof username !== 'string' || typeof password !== 'string') return done(null, false);
      auth.verify(username, password).then((u) => done(null, u ? toSessionUser(u) : false), done);
    }),
  );
  passport.serializeUser((user, done) => {
    const u = users.peek((user as SessionUser).id);
    done(null, u ? `${u.id}:${u.sessionVersion}` : false);
  });
  passport.deserializeUser((key: string, done) => done(null, userOfSessionKey(users, key) ?? false));
  return passport;
}
