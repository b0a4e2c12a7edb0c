import { Router } from 'express';
import type { Services, FeatureContext } from '../app.ts';
import type { Feature } from '../lib/feature.ts';
import { createLiveBroker, type LiveBroker } from './live-broker.ts';
import { createLiveEmitter } from './live-emitter.ts';
import { createLiveService } from './live-service.ts';
import { createRoomActions } from './room-actions.ts';
import { createReportService } from './report-service.ts';
import { createSessionsRepository } from './sessions-repository.ts';
import { createSessionsService } from './sessions-service.ts';
import { sessionBarDecorator } from './session-bar.ts';
import { sessionsPages } from './sessions-pages.ts';
import { sessionsHostPages } from './sessions-host-pages.ts';
import { sessionsApi } from './sessions-api.ts';
import { createEventPruner } from './event-pruner.ts';
import type { SessionsContext } from './sessions-context.ts';

/** The running feature of each app, so tests and tools can tune its streams (heartbeat, caps). */
const runtimes = new WeakMap<Services, { broker: LiveBroker }>();
export const sessionsRuntime = (services: Services) => runtimes.get(services);

/** Live workshop sessions: scheduling, the room, the hosts' dashboard and report (see README.md). */
export function sessionsFeature(services: Services, fctx: FeatureContext): Feature {
  const baseUrl = fctx.config.baseUrl;
  const repo = createSessionsRepository(services.store);
  const { heartbeatMs, maxStreams, perUser } = fctx.config.sse;
  const broker = createLiveBroker({ heartbeatMs, perUser, total: maxStreams });
  const sessions = createSessionsService(repo, services);
  const emitter = createLiveEmitter(repo, broker, (slug) => services.content.current.workshops.get(slug));
  const live = createLiveService({ repo, sessions, services, broker, emitter, baseUrl, log: fctx.log });
  const room = createRoomActions({ repo, sessions, services, broker, emitter });
  const reports = createReportService(repo, sessions, services, baseUrl);
  const pruner = createEventPruner(repo, fctx.log);
  const ctx: SessionsContext = {
    services, config: fctx.config, limits: fctx.limits, joinLimit: fctx.limits.join, sessions, live, room, reports, broker,
  };

  services.progress.onChange(live.onProgress);
  services.stepDecorators.push(sessionBarDecorator(sessions, repo));
  runtimes.set(services, { broker });

  const router = Router();
  router.use(sessionsPages(ctx));
  router.use(sessionsHostPages(ctx));

  return {
    router,
    api: sessionsApi(ctx),
    start: async () => {
      broker.start();
      pruner.start();
    },
    stop: () => {
      pruner.stop();
      emitter.stop();
      broker.stop();
    },
  };
}
