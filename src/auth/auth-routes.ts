import { Router, type Request, type Response, type NextFunction } from 'express';
import type { PassportStatic } from 'passport';
import type { Services } from '../app.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import { AppError } from '../lib/errors.ts';
import { fieldErrors, safeLocalPath } from '../lib/validate.ts';
import { LoginForm, SignupForm, TokenForm } from './auth-schemas.ts';
import { currentUser, requireUser } from './roles.ts';
import { toSessionUser, type SessionUser } from './passport.ts';

/** Logs the user in (passport regenerates the session) and brings a visitor's progress along. */
export async function logInKeepingProgress(services: Services, req: Request, user: SessionUser): Promise<void> {
  const anonId = req.session?.anonId;
  await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
  if (anonId) await services.progress.adopt(anonId, user.id);
}

export function authRoutes(services: Services, passport: PassportStatic, limits: RateLimits): Router {
  const r = Router();

  r.get('/signup', (req, res) => {
    res.render('auth/signup', { title: 'Create an account', values: { next: safeLocalPath(req.query.next, '') }, errors: {} });
  });

  r.post('/signup', limits.signup, async (req, res) => {
    const parsed = SignupForm.safeParse(req.body);
    const values = { username: String(req.body?.username ?? '').slice(0, 64), next: safeLocalPath(req.body?.next, '') };
    if (!parsed.success) {
      return res.status(422).render('auth/signup', { title: 'Create an account', values, errors: fieldErrors(parsed.error) });
    }
    try {
      const user = await services.auth.signup(parsed.data.username, parsed.data.password);
      await logInKeepingProgress(services, req, toSessionUser(user));
    } catch (err) {
      if (err instanceof AppError && err.status === 409) {
        return res.status(409).render('auth/signup', { title: 'Create an account', values, errors: { username: err.message } });
      }
      throw err;
    }
    req.session.flash = 'Welcome! Your progress is saved to your account from now on.';
    res.redirect(safeLocalPath(parsed.data.next, '/dashboard'));
  });

  r.get('/login', (req, res) => {
    if (currentUser(req)) return res.redirect('/dashboard');
    res.render('auth/login', { title: 'Sign in', values: { next: safeLocalPath(req.query.next, '') }, errors: {} });
  });

  r.post('/login', limits.loginByIp, limits.loginByAccount, (req: Request, res: Response, next: NextFunction) => {
    const parsed = LoginForm.safeParse(req.body);
    const values = { username: String(req.body?.username ?? '').slice(0, 64), next: safeLocalPath(req.body?.next, '') };
    if (!parsed.success) {
      return res.status(422).render('auth/login', { title: 'Sign in', values, errors: fieldErrors(parsed.error) });
    }
    passport.authenticate('local', { session: false }, (err: unknown, user: SessionUser | false) => {
      if (err) return next(err);
      if (!user) {
        return res.status(401).render('auth/login', {
          title: 'Sign in',
          values,
          errors: { form: 'That username and password do not match an account.' },
        });
      }
      logInKeepingProgress(services, req, user)
        .then(() => res.redirect(safeLocalPath(parsed.data.next, '/dashboard')))
        .catch(next);
    })(req, res, next);
  });

  r.post('/logout', (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      res.redirect('/');
    });
  });

  r.get('/account', requireUser, (req, res) => {
    const user = currentUser(req)!;
    res.render('auth/account', { title: 'Your account', tokens: services.tokens.forUser(user.id), newToken: undefined, errors: {} });
  });

  r.post('/account/tokens', requireUser, async (req, res) => {
    const user = currentUser(req)!;
    const parsed = TokenForm.safeParse(req.body);
    if (!parsed.success) {
      return res.status(422).render('auth/account', {
        title: 'Your account', tokens: services.tokens.forUser(user.id), newToken: undefined, errors: fieldErrors(parsed.error),
      });
    }
    const { token } = await services.tokens.create(user.id, parsed.data.name);
    res.render('auth/account', { title: 'Your account', tokens: services.tokens.forUser(user.id), newToken: token, errors: {} });
  });

  r.post('/account/tokens/:id/revoke', requireUser, async (req, res) => {
    await services.tokens.revoke(currentUser(req)!.id, String(req.params.id));
    req.session.flash = 'The token was revoked.';
    res.redirect('/account');
  });

  return r;
}
