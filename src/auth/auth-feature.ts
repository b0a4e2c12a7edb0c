import { Router, type Request, type Response } from 'express';
import type { AppContext, Feature } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import { bodyUsername } from '../lib/rate-limits.ts';
import type { CookieJar } from '../lib/web/cookies.ts';
import type { Csrf } from '../lib/web/csrf.ts';
import { createUsersRepository, toSessionUser, usernameKey } from './users-repository.ts';
import { createTokensRepository } from './tokens-repository.ts';
import { createWebSessions } from './web-sessions.ts';
import { createSessionsRepository } from './sessions-repository.ts';
import { createPasswordResetsRepository } from './password-resets-repository.ts';
import { createAuthService } from './auth-service.ts';
import { createIdentitiesRepository } from './identities-repository.ts';
import { createIdentityService } from './identity-service.ts';
import { createOidcClient } from './oidc-client.ts';
import { createOidcCookies } from './oidc-cookies.ts';
import { CALLBACK_PATH, oidcRoutes } from './oidc-routes.ts';
import { passwordApiOff, passwordPagesOff } from './password-login.ts';
import { createPassport } from './passport.ts';
import { bearerAuth, cookieAuth, visitorOf } from './request-auth.ts';
import { authRoutes } from './auth-routes.ts';
import { authApi } from './auth-api.ts';
import type { AccountsAdminPort, AccountsPort } from './auth-port.ts';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface AuthDeps extends AppContext {
  store: Store;
  jar: CookieJar;
  csrf: Csrf;
  /** A visitor signed in: their progress joins the account. */
  onSignIn: (e: { userId: string; visitorLearnerId: string }) => Promise<void>;
  /** An account is being deleted: what other features keep of the user goes too. */
  forgetUser: (userId: string) => Promise<void>;
}

/** Accounts, sign-in, browser sessions, access tokens and the account page. */
export function authFeature(deps: AuthDeps): Feature & { accounts: AccountsPort; admin: AccountsAdminPort; users: ReturnType<typeof createUsersRepository> } {
  const { store, jar, config } = deps;
  const users = createUsersRepository(store);
  const tokens = createTokensRepository(store);
  const sessions = createWebSessions(createSessionsRepository(store), jar);
  const auth = createAuthService({ resets: createPasswordResetsRepository(store), users, tokens, endSessionsOf: (id) => sessions.endAllOf(id) });
  const passport = createPassport(auth);
  const signOutListeners: ((e: { userId: string; sessionId: string }) => void)[] = [];

  // A browser that signed in to this account before may still sign in while the account's failed
  // attempts are over the limit, so a stranger guessing passwords cannot lock its owner out.
  const knownDevice = (req: Request) => {
    const device = jar.readSigned(req, 'device');
    const id = device?.startsWith('u:') ? device.slice(2) : undefined;
    return !!id && users.peek(id)?.usernameKey === usernameKey(bodyUsername(req));
  };
  const loginByAccount = deps.limits.named('login-account', config.rateLimits.login, config.rateLimits.windowMs, {
    skipSuccessfulRequests: true,
    key: (req) => `user:${bodyUsername(req)}`,
    skip: knownDevice,
    message: deps.limits.loginMessage,
  });

  // OpenID Connect, when configured; identities are records of their own either way (an account keeps
  // them if the provider is switched off for a while).
  const identityRepo = createIdentitiesRepository(store);
  const oidcSettings = config.oidc;
  const identities = oidcSettings && createIdentityService({ users, identities: identityRepo, issuer: oidcSettings.issuer, passwordLogin: config.passwordLogin });
  const oidc = oidcSettings && createOidcClient(oidcSettings, new URL(CALLBACK_PATH, config.baseUrl).href, deps.log);
  const forgetUser = async (userId: string) => {
    await identityRepo.removeAllOf(userId);
    await deps.forgetUser(userId);
  };

  async function signIn(req: Request, res: Response, userId: string, options: { allowOnRead?: boolean } = {}): Promise<void> {
    const user = users.byId(userId);
    if (!user) throw new Error(`signIn: no user ${userId}`);
    const visitor = visitorOf(jar, req);
    await sessions.start(req, res, user, options);
    if (visitor) {
      jar.clear(res, 'visitor');
      await deps.onSignIn({ userId: user.id, visitorLearnerId: `anon-${visitor}` });
    }
    jar.setSigned(res, 'device', `u:${user.id}`, { maxAgeSeconds: YEAR_SECONDS });
  }

  async function signOut(req: Request, res: Response): Promise<void> {
    const session = sessions.read(req);
    await sessions.end(req, res);
    if (session) for (const l of signOutListeners) l({ userId: session.userId, sessionId: session.sid });
  }

  const accounts: AccountsPort = {
    peek: (id) => users.peek(id),
    byUsername: (name) => {
      const u = users.byUsername(name);
      return u && toSessionUser(u);
    },
    name: (id) => users.peek(id)?.username ?? 'a former member',
    async grantContributor(id) {
      await users.change(id, (user) => (user.role === 'learner' ? { ...user, role: 'contributor' } : undefined));
    },
    onRevoke: (l) => auth.onRevoke(l),
    onSignOut: (l) => void signOutListeners.push(l),
    isSessionActive: (sid) => sessions.isActive(sid),
    tokenOwner: (token) => tokens.find(token)?.userId,
    async saveProfile(id, profile) {
      await users.change(id, (user) => ({ ...user, profile }));
    },
  };

  const admin: AccountsAdminPort = {
    list: () => users.all(),
    find: (id) => users.byId(id),
    setRole: (id, role) => auth.setRole(id, role),
    createResetLink: (adminId, userId) => auth.createResetLink(adminId, userId),
  };

  const pages = Router();
  if (!config.passwordLogin) pages.use(passwordPagesOff(oidc?.label));
  pages.use(authRoutes({
    auth, tokens, passport, limits: deps.limits, loginByAccount, signIn, signOut, forgetUser,
    oidc: oidc && identities ? { label: oidc.label, identities: (userId) => identities.list(userId) } : undefined,
    passwordLogin: config.passwordLogin,
  }));
  if (oidc && identities) pages.use(oidcRoutes({ oidc, cookies: createOidcCookies(jar), identities, limits: deps.limits, baseUrl: config.baseUrl, signIn }));
  const api = Router();
  if (!config.passwordLogin) api.use(passwordApiOff(oidc?.label));
  api.use(authApi({ auth, tokens, limits: deps.limits, loginByAccount, csrfToken: (req, res) => deps.csrf.tokenFor(req, res)() }));

  return {
    before: [bearerAuth(tokens, users), cookieAuth(jar, sessions, users)],
    pages: { segments: ['signup', 'login', 'logout', 'account', 'reset', 'auth'], router: pages },
    api: { segments: ['session', 'tokens', 'users'], router: api },
    // Turning passwords off must not lock every admin out: one of them must sign in with the provider already.
    start: async () => {
      if (!config.passwordLogin && !identities?.adminCanSignIn()) {
        throw new Error(
          'Invalid configuration: PASSWORD_LOGIN=off, but no admin has an identity at OIDC_ISSUER linked to their account, so nobody could manage this site. ' +
            'Start with password sign-in on, sign in as an admin, link your identity on the account page, then turn passwords off.',
        );
      }
    },
    accounts,
    admin,
    users,
    stop: () => sessions.close(),
  };
}
