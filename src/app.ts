import express, { Router, type Express, type Request, type Response } from 'express';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { Store } from './lib/store/store-api.ts';
import type { Content } from './content/content-loader.ts';
import type { Feature, Log } from './lib/feature.ts';
import { securityHeaders, personalCaching, forUnsafeMethods, sameOriginGuard, noCredentialsInQuery, requireParsedBody, jsonAndFormParsers } from './lib/security.ts';
import { createRateLimits } from './lib/rate-limits.ts';
import { freshReads } from './lib/fresh-reads.ts';
import { errorHandler, notFoundHandler } from './lib/error-handler.ts';
import { readMetrics } from './lib/metrics.ts';
import { ejsEngine } from './lib/views.ts';
import { createCookieJar } from './lib/web/cookies.ts';
import { createCsrf } from './lib/web/csrf.ts';
import { flashMessages } from './lib/web/flash.ts';
import { currentUser } from './lib/web/roles.ts';
import type { StreamOptions } from './sessions/live-broker.ts';
import type { FaqPort } from './faq/faq-port.ts';
import { createCatalog } from './workshops/catalog.ts';
import { progressFeature } from './progress/progress-feature.ts';
import { authFeature } from './auth/auth-feature.ts';
import { faqFeature } from './faq/faq-feature.ts';
import { sessionsFeature } from './sessions/sessions-feature.ts';
import { adminFeature } from './admin/admin-feature.ts';
import { workshopsFeature } from './workshops/workshops-feature.ts';
import { notificationsFeature } from './notifications/notifications-feature.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  /** Loaded content; a holder so that a reload can swap it without rebuilding the app. */
  content: { current: Content };
  log?: Log;
  /** What tests replace: a failing FAQ, faster live-stream timers. */
  overrides?: { faq?: FaqPort; streams?: Partial<StreamOptions> };
}

/**
 * The composition root: builds each feature from what it declares it needs, in order, and mounts
 * their routers. Features reach each other only through the ports passed here. It never listens
 * (src/server.ts does).
 */
export function createApp(deps: AppDeps) {
  const { config, store } = deps;
  const log = deps.log ?? ((m: string) => console.error(m));
  readMetrics(false); // starts the event-loop monitor
  // On PostgreSQL the counters are shared, so N instances allow the configured limits, not N times them.
  const limits = createRateLimits(config, store.sharedLimits?.bind(store));
  const ctx = { config, limits, log };
  const jar = createCookieJar(config.sessionSecret, config.secureCookies);
  const csrf = createCsrf(config.sessionSecret, jar, config.secureCookies);

  const catalog = createCatalog(deps.content);
  const notifications = notificationsFeature({ store, baseUrl: config.baseUrl, smtpUrl: config.mail.smtpUrl, mailFrom: config.mail.from, log });
  const progress = progressFeature({ store, catalog, baseUrl: config.baseUrl, streams: { heartbeatMs: config.sse.heartbeatMs, perUser: config.sse.perUser, total: config.sse.maxStreams } });
  const auth = authFeature({
    ...ctx,
    store,
    jar,
    csrf,
    onSignIn: (e) => progress.progress.adopt(e.visitorLearnerId, e.userId),
    forgetUser: async (userId) => {
      await progress.progress.forget(userId);
      await notifications.forget(userId);
    },
  });
  // A learner's live progress streams end with their access, like the live-session streams.
  auth.accounts.onRevoke(({ userId }) => progress.streams.closeFor({ userId }));
  auth.accounts.onSignOut(({ sessionId }) => progress.streams.closeFor({ sid: sessionId }));
  const faq = faqFeature({ ...ctx, store, catalog, accounts: auth.accounts, progress: progress.progress, notifications: notifications.port });
  const faqPort = deps.overrides?.faq ?? faq.port;
  const sessions = sessionsFeature({ ...ctx, store, catalog, accounts: auth.accounts, progress: progress.progress, faq: faqPort, streams: deps.overrides?.streams });
  const admin = adminFeature({
    accounts: auth.admin,
    storeMetrics: () => ({ store: store.stats, counts: { users: store.count('users'), progress: store.count('progress'), sessions: store.count('sessions') } }),
    baseUrl: config.baseUrl,
  });
  const workshops = workshopsFeature({
    catalog,
    progress: progress.progress,
    jar,
    decorators: [...(progress.stepDecorators ?? []), ...(faq.stepDecorators ?? []), ...(sessions.stepDecorators ?? [])],
    dashboardParts: [...(faq.dashboardParts ?? [])],
    saveProfile: auth.accounts.saveProfile,
    baseUrl: config.baseUrl,
  });
  // The busiest pages (steps) come first: every router a request passes costs it route matching.
  const features: Feature[] = [workshops, auth, progress, faq, sessions, admin, notifications];

  const app = express();
  app.set('trust proxy', config.trustProxy);
  const views = join(root, 'views');
  app.engine('ejs', ejsEngine(views));
  app.set('view engine', 'ejs');
  app.set('views', views);
  app.set('view cache', true);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  // Dynamic answers are personal and never cached (see personalCaching), so an ETag would be work
  // no client can use; static files keep theirs.
  app.set('etag', false);

  app.use(securityHeaders(config.secureCookies, config.oidc ? [new URL(config.oidc.issuer).origin] : []));
  app.use('/static', express.static(join(root, 'public'), { dotfiles: 'ignore', index: false, maxAge: '1h' }));
  // Pages use our own code colours (app.css, both themes at 4.5:1); the vendor theme stays for copies that link it.
  app.use('/static/vendor/highlight', express.static(join(root, 'node_modules/highlight.js/styles'), { index: false, maxAge: '1d' }));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  if (store.kind === 'postgres') app.use(freshReads(store));

  app.use(
    forUnsafeMethods(
      jsonAndFormParsers(features.flatMap((f) => f.pasteRoutes ?? [])),
      ...features.flatMap((f) => f.bodyParsers ?? []),
      requireParsedBody,
      sameOriginGuard(config.baseUrl),
    ),
  );
  app.use(noCredentialsInQuery);
  app.use('/api', limits.api);
  for (const f of features) for (const mw of f.before ?? []) app.use(mw);
  app.use(csrf.protect);
  app.use(personalCaching);
  app.use(flashMessages(jar));
  // What every page's layout reads (the error page too: see errorHandler).
  const pageLocals = (req: Request, res: Response) => {
    res.locals.user = currentUser(req);
    res.locals.path = req.path;
    res.locals.csrfToken = csrf.tokenFor(req, res);
    res.locals.baseUrl = config.baseUrl;
  };
  app.use((req, res, next) => {
    pageLocals(req, res);
    next();
  });

  const api = Router();
  for (const f of features) if (f.api) api.use(f.api);
  app.use('/api', api);
  for (const f of features) if (f.pages) app.use(f.pages);

  app.use(notFoundHandler);
  app.use(errorHandler(log, pageLocals));

  return {
    app: app as Express,
    /** Handles for tools and tests: accounts (roles), the FAQ and progress. */
    ports: { accounts: auth.accounts, users: auth.users, progress: progress.progress, faq: faqPort },
    /** Runs each feature's start-up work (e.g. loading the seed FAQ on first start). */
    start: async () => {
      for (const f of features) await f.start?.();
    },
    /** Stops every feature (live streams end, pending batches are written); then close the store. */
    close: async () => {
      for (const f of features) await f.stop?.();
    },
  };
}

export type App = ReturnType<typeof createApp>;
