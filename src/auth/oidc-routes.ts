import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, forbidden } from '../lib/errors.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import { Username } from '../lib/username.ts';
import { fieldErrors, safeLocalPath } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireUser } from '../lib/web/roles.ts';
import type { IdentityService } from './identity-service.ts';
import type { OidcClient } from './oidc-client.ts';
import type { OidcCookies } from './oidc-cookies.ts';

const StartForm = z.strictObject({ next: z.string().max(512).optional(), _csrf: z.string().optional() });
const WelcomeForm = z.strictObject({ username: Username, _csrf: z.string().optional() });
const CsrfOnly = z.strictObject({ _csrf: z.string().optional() });

export const CALLBACK_PATH = '/auth/oidc/callback';

export interface OidcRouteDeps {
  oidc: OidcClient;
  cookies: OidcCookies;
  identities: IdentityService;
  limits: RateLimits;
  baseUrl: string;
  signIn: (req: Request, res: Response, userId: string, options?: { allowOnRead?: boolean }) => Promise<void>;
}

const expired = () => new AppError(400, 'oidc_state', 'This sign-in has expired, was already used, or was not started in this browser. Start again from the sign-in page.');

/**
 * Sign-in with OpenID Connect: the button posts here (CSRF applies), the browser goes to the
 * provider and comes back to the callback, which validates everything before anyone is signed in.
 * A first sign-in asks for a username; signed-in users link and unlink identities on their account page.
 */
export function oidcRoutes(deps: OidcRouteDeps): Router {
  const { oidc, cookies, identities, limits } = deps;
  const r = Router();
  const label = oidc.label;

  async function begin(res: Response, next: string, linkTo?: string) {
    const { url, checks } = await oidc.start();
    cookies.startFlow(res, { ...checks, next, ...(linkTo ? { linkTo } : {}) });
    res.redirect(303, url.href);
  }

  // Not rate limited as a sign-in: it checks no credential, and a provider that is down would count
  // against everybody behind the same address (the callback, which does check, is limited).
  r.post('/auth/oidc/start', async (req, res) => {
    const body = StartForm.safeParse(req.body);
    await begin(res, safeLocalPath(body.success ? body.data.next : undefined, '/dashboard'));
  });

  r.post('/account/identities/link', requireUser, async (req, res) => {
    await begin(res, '/account', currentUser(req)!.id);
  });

  // Failed callbacks count against the address like failed passwords (limits.loginByIp skips successes).
  r.get(CALLBACK_PATH, limits.loginByIp, async (req, res) => {
    const flow = cookies.takeFlow(req, res);
    if (!flow || req.query.state !== flow.state) throw expired();
    const callbackUrl = new URL(CALLBACK_PATH, deps.baseUrl);
    callbackUrl.search = new URL(req.originalUrl, 'http://x').search;
    const person = await oidc.finish(callbackUrl, flow);

    if (flow.linkTo) {
      if (currentUser(req)?.id !== flow.linkTo) throw forbidden('Sign in to the account you want to link, then link the identity from your account page.');
      const outcome = await identities.link(flow.linkTo, person);
      flash(res, outcome === 'linked' ? `Your ${label} identity (${identities.display(person)}) is linked: you can sign in with it.` : `That ${label} identity was already linked to your account.`);
      return res.redirect(303, '/account');
    }

    const userId = identities.accountOf(person);
    if (userId) {
      await deps.signIn(req, res, userId, { allowOnRead: true });
      await identities.recordUse(person);
      return res.redirect(303, flow.next);
    }
    cookies.setPending(res, {
      issuer: person.issuer,
      subject: person.subject,
      display: identities.display(person),
      suggested: identities.suggestUsername(person),
      next: flow.next,
    });
    res.redirect(303, '/auth/oidc/welcome');
  });

  const welcome = (res: Response, status: number, data: { display: string; username: string; errors: Record<string, string> }) =>
    res.status(status).render('auth/oidc-welcome', { title: 'Choose a username', label, ...data });

  r.get('/auth/oidc/welcome', (req, res) => {
    const pending = cookies.pending(req);
    if (!pending) throw expired();
    welcome(res, 200, { display: pending.display, username: pending.suggested, errors: {} });
  });

  r.post('/auth/oidc/welcome', limits.signup, async (req, res) => {
    const pending = cookies.pending(req);
    if (!pending) throw expired();
    const form = WelcomeForm.safeParse(req.body);
    const typed = String(req.body?.username ?? '').slice(0, 64);
    if (!form.success) return welcome(res, 422, { display: pending.display, username: typed, errors: fieldErrors(form.error) });
    let account;
    try {
      account = await identities.createAccount(form.data.username, pending);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return welcome(res, 409, { display: pending.display, username: typed, errors: { username: err.message } });
      throw err;
    }
    await deps.signIn(req, res, account.userId);
    cookies.clearPending(res);
    if (account.created) flash(res, `Welcome, ${form.data.username}! You sign in with ${label}; your progress is saved to your account.`);
    res.redirect(303, pending.next);
  });

  r.post('/account/identities/:key/unlink', requireUser, async (req, res) => {
    if (!CsrfOnly.safeParse(req.body).success) throw new AppError(400, 'bad_request', 'The form could not be read.');
    try {
      const gone = await identities.unlink(currentUser(req)!.id, String(req.params.key));
      flash(res, `Unlinked ${gone.display}: it no longer signs in to this account.`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 422) throw err;
      flash(res, err.message);
    }
    res.redirect(303, '/account');
  });

  return r;
}
