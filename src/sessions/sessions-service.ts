import { randomUUID } from 'node:crypto';
import type { SessionsEnv } from './sessions-env.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import { hasRole } from '../lib/web/roles.ts';
import { conflict, invalid, notFound } from '../lib/errors.ts';
import { newJoinCode, normalizeCode } from './join-code.ts';
import { phaseOf, weeklyStarts } from './session-time.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { Access, LiveSession, Participant } from './sessions-types.ts';

export interface NewSession {
  workshop: string;
  title: string;
  startsAt: Date;
  durationMinutes: number;
  capacity: number;
  description?: string;
  callUrl?: string;
  coHosts?: string[];
  helpers?: string[];
  /** Weekly occurrences, 1 for a single session. */
  occurrences?: number;
  timeZone?: string;
}

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Scheduling, lookup, access and joining. Live actions are in live-service.ts. */
export function createSessionsService(repo: SessionsRepository, env: SessionsEnv) {
  const workshops = () => env.catalog.workshops();

  function resolveUsers(names: string[] | undefined, field: string, needHost: boolean): string[] {
    const ids: string[] = [];
    for (const name of names ?? []) {
      const u = env.accounts.byUsername(name);
      if (!u) throw invalid('Some fields need attention.', { [field]: `There is no account named ${name}.` });
      if (needHost && !hasRole(u, 'host')) {
        throw invalid('Some fields need attention.', { [field]: `${u.username} does not have the host role; add them as a helper.` });
      }
      if (!ids.includes(u.id)) ids.push(u.id);
    }
    return ids;
  }

  function uniqueCode(): string {
    for (;;) {
      const code = newJoinCode();
      if (!repo.codeTaken(code)) return code;
    }
  }

  return {
    workshops,

    get(id: unknown): LiveSession {
      const s = typeof id === 'string' && ID_RE.test(id) ? repo.get(id) : undefined;
      if (!s) throw notFound('There is no live session at this address.');
      return s;
    },

    byCode: (code: unknown) => {
      const c = normalizeCode(code);
      return c ? repo.byCode(c) : undefined;
    },

    names: (ids: string[]) => ids.map((id) => env.accounts.name(id)),

    /** The role checks run on the user as read on this request, so a demotion counts at once. */
    access(s: LiveSession, user: SessionUser | undefined): Access {
      if (!user) return 'none';
      if (user.role === 'admin') return 'admin';
      if (s.hosts.includes(user.id) && hasRole(user, 'host')) return 'host';
      if (s.helpers.includes(user.id)) return 'helper';
      return repo.peekParticipant(s.id, user.id) ? 'participant' : 'none';
    },

    /** Sessions and office hours that have not ended, soonest first. */
    upcoming(now = Date.now()): LiveSession[] {
      return repo
        .all()
        .filter((s) => phaseOf(s, now) !== 'ended')
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    },

    /** Sessions the user hosts, helps or joined, newest first (ended ones too, for reports). */
    mine(user: SessionUser): LiveSession[] {
      return repo
        .all()
        .filter((s) => s.hosts.includes(user.id) || s.helpers.includes(user.id) || repo.peekParticipant(s.id, user.id))
        .sort((a, b) => b.startsAt.localeCompare(a.startsAt));
    },

    /** One session, or a weekly series of them, each with its own code. */
    async create(input: NewSession, creator: SessionUser): Promise<LiveSession[]> {
      const workshop = workshops().get(input.workshop);
      if (!workshop) throw invalid('Some fields need attention.', { workshop: 'Choose a workshop.' });
      const hosts = [creator.id, ...resolveUsers(input.coHosts, 'coHosts', true).filter((id) => id !== creator.id)];
      const helpers = resolveUsers(input.helpers, 'helpers', false).filter((id) => !hosts.includes(id));
      const count = input.occurrences ?? 1;
      const starts = weeklyStarts(input.startsAt, count, input.timeZone);
      const seriesId = count > 1 ? randomUUID() : undefined;
      const now = new Date().toISOString();
      const ids = starts.map(() => randomUUID());
      let sessions: LiveSession[] = [];
      // Codes are drawn again if the write is refused: on PostgreSQL another instance may take one first.
      await repo.write(() => {
        const codes = new Set<string>();
        sessions = starts.map((start, index): LiveSession => {
          let code = uniqueCode();
          while (codes.has(code)) code = uniqueCode();
          codes.add(code);
          return {
            id: ids[index]!,
            code,
            workshop: workshop.slug,
            title: input.title,
            startsAt: start.toISOString(),
            durationMinutes: input.durationMinutes,
            capacity: input.capacity,
            ...(input.description ? { description: input.description } : {}),
            ...(input.callUrl ? { callUrl: input.callUrl } : {}),
            hosts,
            helpers,
            ...(seriesId ? { series: { id: seriesId, rule: 'weekly' as const, count, index } } : {}),
            status: 'scheduled',
            announcements: [],
            createdAt: now,
            createdBy: creator.id,
          };
        });
        return { sessions };
      });
      return sessions;
    },

    seriesOf: (s: LiveSession) =>
      s.series ? repo.all().filter((x) => x.series?.id === s.series!.id).sort((a, b) => a.startsAt.localeCompare(b.startsAt)) : [s],

    /** The roster entry for a user who joins (checked, not saved); progress already made counts. */
    newParticipant(s: LiveSession, user: SessionUser): { participant: Participant; created: boolean } {
      const existing = repo.participant(s.id, user.id);
      if (existing) return { participant: existing, created: false };
      if (phaseOf(s) === 'ended') throw conflict('This session has ended.');
      if (repo.participantCount(s.id) >= s.capacity) throw conflict('This session is full.');
      const summary = env.progress.summary(user.id, s.workshop);
      const now = new Date().toISOString();
      const participant: Participant = {
        sessionId: s.id,
        userId: user.id,
        username: user.username,
        joinedAt: now,
        currentStep: summary.resumeStep,
        stepEnteredAt: now,
        stepsDone: Object.entries(summary.steps).filter(([, r]) => r.done).map(([id]) => id),
        stepTimes: {},
        stuckSteps: [],
      };
      return { participant, created: true };
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
