import express, { Router, type Express, type Request } from 'express';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { Store } from './lib/store/store.ts';
import type { Content, Step, Workshop } from './content/content-loader.ts';
import { securityHeaders, personalCaching, forUnsafeMethods, sameOriginGuard, noCredentialsInQuery, requireParsedBody, createCsrf } from './lib/security.ts';
import { createRateLimits } from './lib/rate-limits.ts';
import { errorHandler, notFoundHandler } from './lib/error-handler.ts';
import { AppSessionStore } from './auth/session-store.ts';
import { createUsersRepository } from './auth/users-repository.ts';
import { createTokensRepository } from './auth/tokens-repository.ts';
import { createAuthService } from './auth/auth-service.ts';
import { createPassport } from './auth/passport.ts';
import { bearerAuth, cookieAuth } from './auth/request-auth.ts';
import { currentUser } from './auth/roles.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { createProgressRepository } from './progress/progress-repository.ts';
import { createProgressService } from './progress/progress-service.ts';
import { progressRoutes } from './progress/progress-routes.ts';
import { workshopRoutes } from './workshops/workshop-routes.ts';
import { apiRoutes } from './api/api-routes.ts';
import type { Feature } from './lib/feature.ts';
import { readMetrics } from './lib/metrics.ts';
import { ejsEngine } from './lib/views.ts';
import type { RateLimits } from './lib/rate-limits.ts';
import type { FaqPort } from './faq/faq-port.ts';
import { faqFeature } from './faq/faq-feature.ts';
import { sessionsFeature } from './sessions/sessions-feature.ts';
import { adminFeature } from './admin/admin-feature.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface AppDeps {
  config: Config;
  store: Store;
  /** Loaded content; a holder so that a reload can swap it without rebuilding the app. */
  content: { current: Content };
  log?: (msg: string) => void;
}

export function createServices(deps: AppDeps) {
  readMetrics(false); // starts the event-loop monitor
  const users = createUsersRepository(deps.store);
  const tokens = createTokensRepository(deps.store);
  const auth = createAuthService(users);
  const progress = createProgressService(createProgressRepository(deps.store), () => deps.content.current.workshops);
  const sessionStore = new AppSessionStore(deps.store);
  /** Features add locals to the step page (the "I'm stuck" panel, the live-session bar). */
  const stepDecorators: StepDecorator[] = [];
  return {
    users,
    tokens,
    auth,
    progress,
    sessionStore,
    content: deps.content,
    store: deps.store,
    stepDecorators,
    /** Set by the FAQ feature. */
    faq: undefined as FaqPort | undefined,
  };
}

export interface FeatureContext {
  config: Config;
  limits: RateLimits;
  log: (msg: string) => void;
}

export type StepDecorator = (
  req: Request,
  ctx: { workshop: Workshop; step: Step; checkpointOutput?: string; checkpointPassed?: boolean },
) => Record<string, unknown>;

export type Services = ReturnType<typeof createServices>;

/** Builds the application; it never listens (src/server.ts does). */
export function createApp(deps: AppDeps): {
  app: Express;
  services: Services;
  /** Runs each feature's start-up work (e.g. loading the seed FAQ on first start). */
  start: () => Promise<void>;
  close: () => void;
} {
  const { config } = deps;
  const log = deps.log ?? ((m: string) => console.error(m));
  const services = createServices(deps);
  const limits = createRateLimits(config);
  const passport = createPassport(services.auth, services.users);
  const csrf = createCsrf();
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

  app.use(securityHeaders(config.secureCookies));
  app.use('/static', express.static(join(root, 'public'), { dotfiles: 'ignore', index: false, maxAge: '1h' }));
  app.use('/static/vendor/highlight', express.static(join(root, 'node_modules/highlight.js/styles'), { index: false, maxAge: '1d' }));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));

  app.use(
    forUnsafeMethods(
      express.json({ limit: '64kb', strict: true }),
      express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }),
      requireParsedBody,
      sameOriginGuard(config.baseUrl),
    ),
  );
  app.use(noCredentialsInQuery);
  app.use('/api', limits.api);

  app.use(bearerAuth(services.tokens, services.users));
  app.use(cookieAuth(config, services.sessionStore, passport, services.users));
  app.use(csrf.csrfSynchronisedProtection);
  app.use(personalCaching);

  app.use((req, res, next) => {
    res.locals.user = currentUser(req);
    res.locals.path = req.path;
    res.locals.csrfToken = () => csrf.generateToken(req);
    res.locals.baseUrl = config.baseUrl;
    if (req.session?.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });

  const ctx: FeatureContext = { config, limits, log };
  const features: Feature[] = [faqFeature(services, ctx), sessionsFeature(services, ctx), adminFeature(services)];

  // Every router a request passes costs it route matching, so the API sits behind one prefix and
  // the busiest pages (steps) come first.
  const api = Router();
  api.use(apiRoutes(services, limits, csrf));
  for (const f of features) if (f.api) api.use(f.api);
  app.use('/api', api);
  app.use(workshopRoutes(services));
  app.use(authRoutes(services, passport, limits));
  app.use(progressRoutes(services));
  for (const f of features) if (f.router) app.use(f.router);

  app.use(notFoundHandler);
  app.use(errorHandler(log));

  return {
    app,
    services,
    start: async () => {
      for (const f of features) await f.start?.();
    },
    close: () => {
      for (const f of features) f.stop?.();
      services.sessionStore.close();
    },
  };
}
