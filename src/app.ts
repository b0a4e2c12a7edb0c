import express, { type Express, type Request, type Response } from 'express';
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
import { createLogger, messagesOf, requestLog, type Logger } from './lib/logger.ts';
import { createMetrics, metricsEndpoint, type Metrics } from './lib/prom.ts';
import { ejsEngine } from './lib/views.ts';
import { createCookieJar } from './lib/web/cookies.ts';
import { createCsrf } from './lib/web/csrf.ts';
import { flashMessages } from './lib/web/flash.ts';
import { createVisitorPages } from './lib/web/visitor-pages.ts';
import { createPageFrames } from './lib/web/page-frames.ts';
import { bySegment, series } from './lib/web/series.ts';
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
import { labsFeature } from './labs/labs-feature.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  /** Loaded content; a holder so that a reload can swap it without rebuilding the app. */
  content: { current: Content };
  log?: Log;
  /** The process's logger (made from the configuration when not given). */
  logger?: Logger;
  metrics?: Metrics;
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
  const logger = deps.logger ?? createLogger(config.log);
  const log = deps.log ?? messagesOf(logger);
  const metrics = deps.metrics ?? createMetrics();
  readMetrics(false); // starts the event-loop monitor
  // On PostgreSQL the counters are shared, so N instances allow the configured limits, not N times them.
  const limits = createRateLimits(config, store.sharedLimits?.bind(store));
  const ctx = { config, limits, log, metrics };
  const jar = createCookieJar(config.sessionSecret, config.secureCookies);
  const csrf = createCsrf(config.sessionSecret, jar, config.secureCookies);
  const visitorPages = createVisitorPages({ csrf, jar });
  const views = join(root, 'views');
  const viewEngine = ejsEngine(views);
  // In tests, every page built from a frame is also rendered whole and must match (see page-frames.ts).
  const pageFrames = createPageFrames({ engine: viewEngine, views, check: config.env === 'test' });

  const catalog = createCatalog(deps.content);
  const notifications = notificationsFeature({ store, baseUrl: config.baseUrl, smtpUrl: config.mail.smtpUrl, mailFrom: config.mail.from, log });
  const progress = progressFeature({ store, catalog, baseUrl: config.baseUrl, streams: { heartbeatMs: config.sse.heartbeatMs, perUser: config.sse.perUser, total: config.sse.maxStreams } });
  metrics.gauge('onramp_progress_streams', "Open streams of learners' own checkpoint verdicts (SSE).", () => progress.streams.count);
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
  // Labs belong to live sessions: a lab for each participant who joins, all back when the session ends.
  const labs = labsFeature({ ...ctx, store, catalog, sessions: sessions.port, progress: progress.progress });
  sessions.port.extend(labs.port);
  const admin = adminFeature({
    accounts: auth.admin,
    storeMetrics: () => ({ store: store.stats, counts: { users: store.count('users'), progress: store.count('progress'), sessions: store.count('sessions') } }),
    baseUrl: config.baseUrl,
  });
  const workshops = workshopsFeature({
    catalog,
    progress: progress.progress,
    jar,
    decorators: [...(progress.stepDecorators ?? []), ...(faq.stepDecorators ?? []), ...(sessions.stepDecorators ?? []), ...(labs.stepDecorators ?? [])],
    dashboardParts: [...(faq.dashboardParts ?? [])],
    guideParts: [...(sessions.guideParts ?? [])],
    visitorPages,
    pageFrames,
    saveProfile: auth.accounts.saveProfile,
    baseUrl: config.baseUrl,
  });
  // The busiest pages (steps) come first: every router a request passes costs it route matching.
  const features: Feature[] = [workshops, auth, progress, faq, sessions, labs, admin, notifications];

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.engine('ejs', viewEngine);
  app.set('view engine', 'ejs');
  app.set('views', views);
  app.set('view cache', true);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  // Dynamic answers are personal and never cached (see personalCaching), so an ETag would be work
  // no client can use; static files keep theirs.
  app.set('etag', false);

  let draining = false;
  // Middleware for every path runs in a few `series` (see series.ts) rather than as some twenty router layers.
  app.use(
    series(
      requestLog(logger, (req, res, route, seconds) => metrics.observeRequest(req.method, route, res.statusCode, seconds)),
      // While stopping, each answer closes its connection, so keep-alive clients reconnect (elsewhere).
      (_req, res, next) => {
        if (draining) res.setHeader('Connection', 'close');
        next();
      },
      securityHeaders(config.secureCookies, config.oidc ? [new URL(config.oidc.issuer).origin] : []),
    ),
  );
  app.use('/static', express.static(join(root, 'public'), { dotfiles: 'ignore', index: false, maxAge: '1h' }));
  // Pages use our own code colours (app.css, both themes at 4.5:1); the vendor theme stays for copies that link it.
  app.use('/static/vendor/highlight', express.static(join(root, 'node_modules/highlight.js/styles'), { index: false, maxAge: '1d' }));
  // Liveness: the process answers. Readiness: it should get traffic (store open, indexes built, not stopping).
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const waiting = [
      ...(draining ? ['stopping: finishing the requests in flight'] : []),
      ...(store.isOpen ? [] : ['the store is closed']),
      // PostgreSQL: the database answers (a short check; the embedded store answers at once).
      ...(store.isOpen && store.kind === 'postgres' ? await store.ready().then((r) => (r.ok ? [] : [r.detail])) : []),
      ...features.flatMap((f) => f.notReady?.() ?? []),
    ];
    res.set('Cache-Control', 'no-store').status(waiting.length ? 503 : 200).json({ status: waiting.length ? 'not ready' : 'ready', waiting });
  });
  app.get('/metrics', metricsEndpoint(metrics, config.metrics));

  registerStoreMetrics(metrics, store);
  metrics.gauge('onramp_visitor_pages_served', 'Pages answered from memory to visitors without cookies since start.', () => visitorPages.stats.hits);
  metrics.gauge('onramp_step_frames_served', "Readers' step pages built from a kept frame since start.", () => pageFrames.stats.hits);
  app.use(
    series(
      // A visitor without cookies reading a page another has read: answered here (see visitor-pages.ts).
      visitorPages.serve,
      // PostgreSQL: a request first sees what was committed anywhere before it arrived (read-your-writes).
      ...(store.kind === 'postgres' ? [freshReads(store)] : []),
      forUnsafeMethods(
        jsonAndFormParsers(features.flatMap((f) => f.pasteRoutes ?? [])),
        ...features.flatMap((f) => f.bodyParsers ?? []),
        requireParsedBody,
        sameOriginGuard(config.baseUrl),
      ),
      noCredentialsInQuery,
    ),
  );
  app.use('/api', limits.api);
  // What every page's layout reads (the error page too: see errorHandler).
  const pageLocals = (req: Request, res: Response) => {
    res.locals.user = currentUser(req);
    res.locals.path = req.path;
    res.locals.csrfToken = csrf.tokenFor(req, res);
    res.locals.baseUrl = config.baseUrl;
  };
  app.use(
    series(
      ...features.flatMap((f) => f.before ?? []),
      csrf.protect,
      personalCaching,
      flashMessages(jar),
      (req, res, next) => {
        pageLocals(req, res);
        next();
      },
    ),
  );

  app.use('/api', bySegment(features.flatMap((f) => (f.api ? [f.api] : []))));
  app.use(bySegment(features.flatMap((f) => (f.pages ? [f.pages] : []))));

  app.use(notFoundHandler);
  app.use(errorHandler(logger, pageLocals));

  return {
    app: app as Express,
    /** Handles for tools and tests: accounts (roles), the FAQ and progress. */
    ports: { accounts: auth.accounts, users: auth.users, progress: progress.progress, faq: faqPort },
    /** Runs each feature's start-up work (e.g. loading the seed FAQ on first start). */
    start: async () => {
      for (const f of features) await f.start?.();
    },
    /** From now on /readyz answers 503, so the proxy sends new requests elsewhere while this instance stops. */
    drain: () => {
      draining = true;
    },
    logger,
    /** Stops every feature (live streams end, pending batches are written); then close the store. */
    close: async () => {
      for (const f of features) await f.stop?.();
    },
  };
}

export type App = ReturnType<typeof createApp>;

/** The store's figures for /metrics: commits and journal syncs so far, records per collection. */
function registerStoreMetrics(metrics: Metrics, store: Store): void {
  metrics.gauge('onramp_store_commits', 'Commits acknowledged by the store since start.', () => store.stats.commits);
  metrics.gauge('onramp_store_batches', 'Durable writes (journal syncs or transactions) since start; each carries one or more commits.', () => store.stats.batches);
  for (const collection of ['users', 'progress', 'faq', 'liveSessions']) {
    metrics.gauge(`onramp_store_${collection.toLowerCase()}_records`, `Records in the ${collection} collection.`, () => store.count(collection));
  }
  if (store.kind !== 'postgres') return;
  const pg: [string, string][] = [
    ['conflicts', 'Commits refused because another instance changed a record first (each is retried).'],
    ['retries', 'Read-modify-writes run again after a conflict.'],
    ['remoteBatches', 'Batches written by other instances and applied here.'],
    ['appliedBatch', 'Number of the last batch applied to this instance\'s records.'],
    ['reloads', 'Times this instance fell too far behind and loaded every record again.'],
    ['listening', '1 while the LISTEN connection for other instances\' writes is up.'],
  ];
  for (const [figure, help] of pg) metrics.gauge(`onramp_store_pg_${figure.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, help, () => store.stats[figure] ?? 0);
}
