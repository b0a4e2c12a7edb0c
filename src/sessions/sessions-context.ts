import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import type { Log } from '../lib/feature.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import type { AccountsPort } from '../auth/auth-port.ts';
import type { FaqPort } from '../faq/faq-port.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import type { LiveBroker } from './live-broker.ts';
import type { LiveService } from './live-service.ts';
import type { ReportService } from './report-service.ts';
import type { RoomActions } from './room-actions.ts';
import type { SessionsService } from './sessions-service.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { SessionExtension } from './sessions-port.ts';

/** What the feature uses of the rest of the app: each through its port. */
export interface SessionsEnv {
  catalog: Catalog;
  accounts: AccountsPort;
  progress: ProgressPort;
  faq: FaqPort;
  log: Log;
}

/** Everything the feature's routers need, built once in sessions-feature.ts. */
export interface SessionsContext {
  env: SessionsEnv;
  config: Config;
  limits: RateLimits;
  joinLimit: RequestHandler;
  sessions: SessionsService;
  live: LiveService;
  room: RoomActions;
  reports: ReportService;
  broker: LiveBroker;
  repo: SessionsRepository;
  /** Features that add to sessions (labs), registered through the port. */
  extensions: readonly SessionExtension[];
}
