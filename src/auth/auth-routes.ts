import { Router, type Request, type Response, type NextFunction, type RequestHandler } from 'express';
import type { PassportStatic } from 'passport';
import { AppError } from '../lib/errors.ts';
import { fieldErrors, safeLocalPath } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireUser, type SessionUser } from '../lib/web/roles.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import { DeleteAccountForm, DeletePasswordlessForm, LoginForm, PasswordChangeForm, PasswordResetForm, SignupForm, TokenForm } from './auth-schemas.ts';
import type { AuthService } from './auth-service.ts';
import type { TokensRepository } from './tokens-repository.ts';

export interface AuthRouteDeps {
  auth: AuthService;
  tokens: TokensRepository;
  passport: PassportStatic;
  limits: RateLimits;
  /** Per-account limit on failed sign-ins that a browser this account signed in from before passes. */
  loginByAccount: RequestHandler;
  /** Starts a session for the user in this browser (their visitor progress joins the account). */
  signIn: (req: Request, res: Response, userId: string) => Promise<void>;
  signOut: (req: Request, res: Response) => Promise<void>;
  /** What else goes with an account (progress, live-session rosters); see deleteAccount. */
  forgetUser: (userId: string) => Promise<void>;
  /** Sign-in with OpenID Connect, when configured: the button's label and the user's linked identities. */
  oidc?: { label: string; identities: (userId: string) => readonly { key: string; display: string; linkedAt: string; lastUsedAt?: string }[] };
  /** PASSWORD_LOGIN: off leaves the sign-in page with the provider's button only. */
  passwordLogin: boolean;
}

/** Sign-up, sign-in and out, and the account page (tokens, password, sign out everywhere, deletion). */
export function authRoutes(deps: AuthRouteDeps): Router {
  const { auth, tokens, passport, limits } = deps;
  const r = Router();

  const oidcLabel = deps.oidc?.label;
  const accountPage = (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const id = currentUser(req)!.id;
    res.status(status).render('auth/account', {
      title: 'Your account', tokens: tokens.forUser(id), newToken: undefined, newTokenScope: undefined, errors: {},
      oidcLabel, identities: deps.oidc?.identities(id), passwordLogin: deps.passwordLogin, hasPassword: auth.hasPassword(id), ...extra,
    });
  };
  const loginPage = (res: Response, status: number, values: Record<string, string>, errors: Record<string, string>) =>
    res.status(status).render(deps.passwordLogin ? 'auth/login' : 'auth/login-provider', { title: 'Sign in', values, errors, oidcLabel });

  r.get('/signup', (req, res) => {
    res.render('auth/signup', { title: 'Create an account', values: { next: safeLocalPath(req.query.next, '') }, errors: {}, oidcLabel });
  });

  r.post('/signup', limits.signup, async (req, res) => {
    const parsed = SignupForm.safeParse(req.body);
    const values = { username: String(req.body?.username ?? '').slice(0, 64), next: safeLocalPath(req.body?.next, '') };
    if (!parsed.success) {
      return res.status(422).render('auth/signup', { title: 'Create an account', values, errors: fieldErrors(parsed.error), oidcLabel });
    }
    try {
      const user = await auth.signup(parsed.data.username, parsed.data.password);
      await deps.signIn(req, res, user.id);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) {
        return res.status(409).render('auth/signup', { title: 'Create an account', values, errors: { username: err.message }, oidcLabel });
      }
      throw err;
    }
    flash(res, 'Welcome! Your progress is saved to your account from now on.');
    res.redirect(safeLocalPath(parsed.data.next, '/dashboard'));
  });

  r.get('/login', (req, res) => {
    if (currentUser(req)) return res.redirect('/dashboard');
    loginPage(res, 200, { next: safeLocalPath(req.query.next, '') }, {});
  });

  r.post('/login', limits.loginByIp, deps.loginByAccount, (req: Request, res: Response, next: NextFunction) => {
    const parsed = LoginForm.safeParse(req.body);
    const values = { username: String(req.body?.username ?? '').slice(0, 64), next: safeLocalPath(req.body?.next, '') };
    if (!parsed.success) {
      return loginPage(res, 422, values, fieldErrors(parsed.error));
    }
    passport.authenticate('local', { session: false }, (err: unknown, user: SessionUser | false) => {
      if (err) return next(err);
      if (!user) {
        return loginPage(res, 401, values, { form: 'That username and password do not match an account.' });
      }
      deps.signIn(req, res, user.id)
        .then(() => res.redirect(safeLocalPath(parsed.data.next, '/dashboard')))
        .catch(next);
    })(req, res, next);
  });

  r.post('/logout', async (req, res) => {
    await deps.signOut(req, res);
    res.redirect('/');
  });

  r.get('/account', requireUser, (req, res) => accountPage(req, res));

  r.post('/account/tokens', requireUser, async (req, res) => {
    const user = currentUser(req)!;
    const parsed = TokenForm.safeParse(req.body);
    if (!parsed.success) return accountPage(req, res, 422, { errors: fieldErrors(parsed.error) });
    const { token } = await tokens.create(user.id, parsed.data.name, [parsed.data.scope]);
    accountPage(req, res, 200, { newToken: token, newTokenScope: parsed.data.scope });
  });

  r.post('/account/tokens/:id/revoke', requireUser, async (req, res) => {
    await tokens.revoke(currentUser(req)!.id, String(req.params.id));
    flash(res, 'The token was revoked.');
    res.redirect(303, '/account');
  });

  r.post('/account/password', requireUser, async (req, res) => {
    const parsed = PasswordChangeForm.safeParse(req.body);
    if (!parsed.success) return accountPage(req, res, 422, { errors: fieldErrors(parsed.error) });
    try {
      const user = await auth.changePassword(currentUser(req)!.id, parsed.data.current, parsed.data.password);
      await deps.signIn(req, res, user.id);
    } catch (err) {
      if (err instanceof AppError && err.status === 422) return accountPage(req, res, 422, { errors: err.details ?? {} });
      throw err;
    }
    flash(res, 'Your password was changed. Every other browser was signed out and your access tokens were revoked.');
    res.redirect(303, '/account');
  });

  r.post('/account/sign-out-everywhere', requireUser, async (req, res) => {
    await auth.signOutEverywhere(currentUser(req)!.id);
    await deps.signOut(req, res);
    flash(res, 'You were signed out everywhere, and your access tokens were revoked.');
    res.redirect(303, '/login');
  });

  const deletePage = (req: Request, res: Response, status: number, errors: Record<string, string>) =>
    res.status(status).render('auth/delete', { title: 'Delete your account', errors, hasPassword: auth.hasPassword(currentUser(req)!.id) });

  r.get('/account/delete', requireUser, (req, res) => deletePage(req, res, 200, {}));

  r.post('/account/delete', requireUser, limits.loginByIp, async (req, res) => {
    const id = currentUser(req)!.id;
    const parsed = (auth.hasPassword(id) ? DeleteAccountForm : DeletePasswordlessForm).safeParse(req.body);
    if (!parsed.success) return deletePage(req, res, 422, fieldErrors(parsed.error));
    try {
      await auth.deleteAccount(id, parsed.data.password, deps.forgetUser);
    } catch (err) {
      if (err instanceof AppError && err.status === 422) return deletePage(req, res, 422, err.details ?? {});
      throw err;
    }
    await deps.signOut(req, res);
    flash(res, 'Your account was deleted.');
    res.redirect(303, '/');
  });

  r.get('/reset/:secret', (req, res) => {
    const user = auth.resetUser(String(req.params.secret));
    if (!user) throw new AppError(404, 'not_found', 'This reset link is not valid any more. Ask an admin for a new one.');
    res.render('auth/reset', { title: 'Choose a new password', username: user.username, errors: {} });
  });

  r.post('/reset/:secret', limits.loginByIp, async (req, res) => {
    const secret = String(req.params.secret);
    const user = auth.resetUser(secret);
    if (!user) throw new AppError(404, 'not_found', 'This reset link is not valid any more. Ask an admin for a new one.');
    const body = PasswordResetForm.safeParse(req.body);
    if (!body.success) return res.status(422).render('auth/reset', { title: 'Choose a new password', username: user.username, errors: fieldErrors(body.error) });
    const updated = await auth.resetPassword(secret, body.data.password);
    await deps.signIn(req, res, updated.id);
    flash(res, 'Your new password is set, and you are signed in. Every other browser was signed out.');
    res.redirect(303, '/dashboard');
  });

  return r;
}

