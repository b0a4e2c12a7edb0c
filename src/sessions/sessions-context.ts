import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import type { LiveBroker } from './live-broker.ts';
import type { LiveService } from './live-service.ts';
import type { ReportService } from './report-service.ts';
import type { RoomActions } from './room-actions.ts';
import type { SessionsService } from './sessions-service.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { SessionsEnv } from './sessions-env.ts';
import type { SessionExtension } from './sessions-port.ts';

export type { SessionsEnv } from './sessions-env.ts';

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
