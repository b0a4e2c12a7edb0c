import type { Request, RequestHandler, Router } from 'express';
import type { Config } from '../config.ts';
import type { Step, Workshop } from '../content/content-loader.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Metrics } from './prom.ts';

export type Log = (msg: string) => void;

/** What the app gives every feature: read once, never changed. */
export interface AppContext {
  config: Readonly<Config>;
  limits: RateLimits;
  log: Log;
  /** Prometheus metrics: features register their own counters and gauges here. */
  metrics: Metrics;
}

/** A step page being rendered: features add their parts to it (the "I'm stuck" panel, the live-session bar). */
export interface StepView {
  workshop: Workshop;
  step: Step;
  /** The output of a checkpoint attempt the page shows, and its verdict. */
  checkpoint?: { output: string; passed: boolean };
}

export type StepDecorator = ((req: Request, view: StepView) => Record<string, unknown>) & {
  /**
   * For a decorator whose part, for a visitor without cookies, shows data that changes while Onramp
   * runs: a value that changes whenever that data does (compared with ===). Visitors' step pages are
   * kept in memory (src/lib/web/visitor-pages.ts) until one of these values changes.
   */
  visitorState?: () => unknown;
};

/** A part another feature adds to the learner's dashboard (the contributor's FAQ entries), as render data. */
export type DashboardPart = (req: Request) => Record<string, unknown>;

/** Live data another feature adds to one guide's page (the office-hours guide lists the coming sessions). */
export interface GuidePart {
  guide: string;
  data: (req: Request) => Record<string, unknown>;
}

/** A router, with the first path segments its routes start with (`''` for the home page at /). */
export interface Routes {
  segments: readonly string[];
  router: Router;
}

/**
 * What a feature offers the app: its pages (mounted at the root), its JSON API (under /api), parts of
 * the step page, and work at start and stop. What it offers other features are its ports, returned
 * beside this and passed to them by the app (src/app.ts), which wires features in order.
 */
export interface Feature {
  /**
   * Pages (from the root) and the JSON API (under /api), each with the first path segments its routes
   * start with (`me` for /api/me/progress/…): a request enters only the routers that declared its
   * segment, in the order of the features (src/lib/web/series.ts, bySegment).
   */
  pages?: Routes;
  api?: Routes;
  /** Middleware every request passes before any feature's routes (request authentication). */
  before?: RequestHandler[];
  /**
   * Routes (full paths, as Express writes them) whose forms or JSON carry pasted text: a log, a
   * command's output, a page of the docs. Their bodies may be up to PASTE_BODY_MAX once encoded; the
   * fields themselves are still limited by the route's schema.
   */
  pasteRoutes?: string[];
  /** Parsers for bodies other than JSON and forms, each mounted for its own routes only. */
  bodyParsers?: RequestHandler[];
  stepDecorators?: StepDecorator[];
  dashboardParts?: DashboardPart[];
  guideParts?: GuidePart[];
  /** Why this feature cannot serve yet (e.g. an index still being built), for /readyz; undefined when it can. */
  notReady?: () => string | undefined;
  start?: () => Promise<void>;
  stop?: () => void | Promise<void>;
}
