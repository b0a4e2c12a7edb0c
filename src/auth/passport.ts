import { Passport, type PassportStatic } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { AuthService } from './auth-service.ts';
import { toSessionUser } from './users-repository.ts';

/**
 * passport checks credentials (the local strategy; more strategies can join it); sessions are ours
 * (web-sessions.ts), so passport's own session layer is not used.
 */
export function createPassport(auth: AuthService): PassportStatic {
  const passport = new Passport() as PassportStatic;
  passport.use(
    new LocalStrategy({ session: false }, (username, password, done) => {
      if (typeof username !== 'string' || typeof password !== 'string') return done(null, false);
      auth.verify(username, password).then((u) => done(null, u ? toSessionUser(u) : false), done);
    }),
  );
  return passport;
}
