import { Router, type Request } from 'express';
import type { AppContext, Feature } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import type { LiveSession } from './sessions-types.ts';
import { createLiveBroker, type StreamOptions } from './live-broker.ts';
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
import type { SessionsContext, SessionsEnv } from './sessions-context.ts';
import { sessionView } from './session-views.ts';
import { currentUser } from '../lib/web/roles.ts';
import type { SessionExtension, SessionsPort } from './sessions-port.ts';
import { phaseOf } from './session-time.ts';

export interface SessionsDeps extends AppContext, Omit<SessionsEnv, 'log'> {
  store: Store;
  /** Stream settings beyond the configuration (tests shorten heartbeats and re-checks). */
  streams?: Partial<StreamOptions>;
}

/** Live workshop sessions: scheduling, the room, the hosts' dashboard and report (see README.md). */
export function sessionsFeature(deps: SessionsDeps): Feature & { port: SessionsPort } {
  const { config, limits, log } = deps;
  const env: SessionsEnv = { catalog: deps.catalog, accounts: deps.accounts, progress: deps.progress, faq: deps.faq, log };
  const repo = createSessionsRepository(deps.store);
  const { heartbeatMs, maxStreams, perUser } = config.sse;
  const broker = createLiveBroker({ heartbeatMs, perUser, total: maxStreams, ...deps.streams });
  deps.metrics.gauge('onramp_live_streams', 'Open live-session streams (SSE) of hosts, helpers and participants.', () => broker.totals().streams);
  deps.metrics.gauge('onramp_live_sessions_streaming', 'Live sessions with at least one open stream.', () => broker.totals().sessions);
  const sessions = createSessionsService(repo, env);
  const extensions: SessionExtension[] = [];
  const emitter = createLiveEmitter(repo, broker, (slug) => env.catalog.findWorkshop(slug));
  const live = createLiveService({ repo, sessions, env, broker, emitter, baseUrl: config.baseUrl, log, extensions });
  const room = createRoomActions({ repo, sessions, env, broker, emitter, extensions });
  const reports = createReportService(repo, sessions, env, config.baseUrl);
  const pruner = createEventPruner(repo, log);
  const ctx: SessionsContext = { env, config, limits, joinLimit: limits.join, sessions, live, room, reports, broker, repo, extensions };

  env.progress.onChange(live.onProgress);
  // Streams end the moment access does, not at the next periodic check.
  env.accounts.onRevoke(({ userId }) => broker.closeFor({ userId }));
  env.accounts.onSignOut(({ sessionId }) => broker.closeFor({ sid: sessionId }));

  const comingSessions = (req: Request) =>
    sessions
      .upcoming()
      .slice(0, 8)
      .map((s) => ({ ...sessionView(s, sessions.access(s, currentUser(req)), config.baseUrl, sessions.names), workshopTitle: sessions.workshops().get(s.workshop)?.title ?? s.workshop }));
  const summary = (s: LiveSession) => ({ id: s.id, title: s.title, workshop: s.workshop, phase: phaseOf(s) });
  const port: SessionsPort = {
    find(id) {
      const s = typeof id === 'string' ? repo.get(id) : undefined;
      return s && summary(s);
    },
    access(sessionId, user) {
      const s = repo.get(sessionId);
      return s ? sessions.access(s, user) : 'none';
    },
    liveFor(workshop, user) {
      const now = Date.now();
      for (const s of repo.openOf(workshop, now)) {
        if (phaseOf(s, now) !== 'live') continue;
        const access = sessions.access(s, user);
        if (access !== 'none') return { ...summary(s), access };
      }
      return undefined;
    },
    participants: (sessionId) =>
      repo
        .participants(sessionId)
        .map((p) => ({ userId: p.userId, username: p.username, joinedAt: p.joinedAt }))
        .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt)),
    extend: (extension) => void extensions.push(extension),
  };

  return {
    port,
    pages: { segments: ['sessions', 'join'], router: Router().use(sessionsPages(ctx)).use(sessionsHostPages(ctx)) },
    api: { segments: ['sessions'], router: sessionsApi(ctx) },
    stepDecorators: [sessionBarDecorator(sessions, repo)],
    // The office-hours guide says when the community meets newcomers: the coming sessions, from here.
    guideParts: [{ guide: 'office-hours', data: (req) => ({ comingSessions: comingSessions(req) }) }],
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
