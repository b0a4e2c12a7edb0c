import { Router } from 'express';
import { AppError } from '../lib/errors.ts';

const refuse = (label = 'your identity provider') => () => {
  throw new AppError(403, 'password_login_off', `Password sign-in is turned off on this site. Sign in with ${label} instead.`);
};

/**
 * With PASSWORD_LOGIN=off, nothing takes a password any more: signing in, signing up and reset links
 * are refused (the sign-in page shows only the provider's button, and a first sign-in there creates
 * the account).
 */
export function passwordPagesOff(label?: string): Router {
  const r = Router();
  r.get('/signup', (_req, res) => res.redirect(303, '/login'));
  r.post(['/login', '/signup'], refuse(label));
  r.all('/reset/:secret', refuse(label));
  return r;
}

/** The API's password routes: creating an account and getting a token with a password. */
export function passwordApiOff(label?: string): Router {
  const r = Router();
  r.post(['/users', '/tokens'], refuse(label));
  return r;
}
