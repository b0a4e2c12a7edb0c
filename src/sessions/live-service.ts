import type { SessionsEnv } from './sessions-env.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import type { ProgressListener } from '../progress/progress-port.ts';
import { conflict, forbidden, notFound } from '../lib/errors.ts';
import type { LiveBroker, Subscriber } from './live-broker.ts';
import type { LiveEmitter } from './live-emitter.ts';
import { applyProgress } from './participant-progress.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { SessionsService } from './sessions-service.ts';
import { phaseOf } from './session-time.ts';
import { isStaff, type LiveEvent, type LiveSession, type Participant } from './sessions-types.ts';
import { questionView, sessionView, sortQuestions, staffParticipant, stuckByStep } from './session-views.ts';
import type { SessionExtension } from './sessions-port.ts';

/** How the stream's request was authenticated, so that a logout or a revoked token ends it. */
export interface StreamAuth {
  sid?: string;
  token?: string;
}

export type StreamPlan =
  | { ended: true }
  | { ended: false; subscriber: Subscriber; replay: LiveEvent[]; lastSeq: number; first: { type: string; data: unknown }[] };

/** More missed events than this and the client is told to reload its state instead. */
const MAX_REPLAY = 1000;

/** The participants' side of a live session, the room state, and the streams. */
export function createLiveService(deps: {
  repo: SessionsRepository;
  sessions: SessionsService;
  env: SessionsEnv;
  broker: LiveBroker;
  emitter: LiveEmitter;
  baseUrl: string;
  log: (msg: string) => void;
  /** Features that add to sessions (labs): told of each new participant. */
  extensions: readonly SessionExtension[];
}) {
  const { repo, sessions, env, broker, emitter } = deps;
  const workshopOf = (slug: string) => env.catalog.findWorkshop(slug);

  function open(s: LiveSession): LiveSession {
    if (phaseOf(s) === 'ended') throw conflict('This session has ended.');
    return s;
  }

  /** A fresh copy of the participant's record (repo.participant), theirs to change and write. */
  function participantOf(s: LiveSession, user: SessionUser): Participant {
    const p = repo.participant(s.id, user.id);
    if (!p) throw forbidden('Join the session first.');
    return p;
  }

  const participantEvent = (p: Participant) => ({ type: 'participant', audience: 'staff' as const, data: staffParticipant(p) });

  function matchesFor(note: string) {
    if (!note.trim()) return [];
    try {
      // Only entries with evidence of this very error: a helper reading the card should not chase noise.
      return env.faq.matchLog(note, 3).filter((m) => m.tier === 'match').map((m) => ({ id: m.id, title: m.title }));
    } catch (err) {
      deps.log(`sessions: FAQ matching failed: ${(err as Error).message}`);
      return [];
    }
  }

  return {
    /** Adds the user to the roster; `notes` are what extensions tell a new participant (e.g. their lab). */
    async join(s: LiveSession, user: SessionUser): Promise<{ participant: Participant; created: boolean; notes: string[] }> {
      let result!: { participant: Participant; created: boolean };
      await emitter.emit(s.id, () => {
        result = sessions.newParticipant(s, user);
        return result.created ? { records: { participants: [result.participant] }, emits: [participantEvent(result.participant)] } : undefined;
      });
      if (!result.created) return { ...result, notes: [] };
      const notes: string[] = [];
      for (const ext of deps.extensions) {
        try {
          const note = await ext.joined?.({ sessionId: s.id, workshop: s.workshop, userId: user.id, username: user.username });
          if (note) notes.push(note);
        } catch (err) {
          // The join stands: what an extension could not do, its hosts can still do by hand.
          deps.log(`sessions: an extension failed on join: ${(err as Error).message}`);
        }
      }
      return { ...result, notes };
    },

    async stuck(s: LiveSession, user: SessionUser, note: string, step?: string): Promise<Participant> {
      // First, so that nothing read below can change while waiting (only right after start-up).
      if (note.trim()) await env.faq.whenIndexed();
      const matches = matchesFor(note);
      let p!: Participant;
      await emitter.emit(s.id, () => {
        p = participantOf(open(s), user);
        const at = workshopOf(s.workshop)?.stepById.has(step ?? '') ? step! : p.currentStep;
        p.stuck = { note, step: at, at: new Date().toISOString(), matches };
        if (!p.stuckSteps.includes(at)) p.stuckSteps.push(at);
        return { records: { participants: [p] }, emits: [participantEvent(p)] };
      });
      return p;
    },

    /** A host or helper takes a stuck participant ("I'm on it"): the other helpers see it live, the participant on their page. */
    async claim(s: LiveSession, helper: SessionUser, participantId: string): Promise<Participant> {
      if (!isStaff(sessions.access(s, helper))) throw forbidden('Only the hosts and helpers of this session can do that.');
      let p!: Participant;
      await emitter.emit(s.id, () => {
        const found = repo.participant(open(s).id, participantId);
        if (!found) throw notFound('Nobody with that id is in this session.');
        if (!found.stuck) throw conflict(`${found.username} is no longer stuck.`);
        p = found;
        p.stuck!.claimedBy = { userId: helper.id, name: helper.username, at: new Date().toISOString() };
        return { records: { participants: [p] }, emits: [participantEvent(p)] };
      });
      return p;
    },

    async unstuck(s: LiveSession, user: SessionUser): Promise<void> {
      await emitter.emit(s.id, () => {
        const p = participantOf(open(s), user);
        if (!p.stuck) return undefined;
        delete p.stuck;
        return { records: { participants: [p] }, emits: [participantEvent(p)] };
      });
    },

    /** Progress written anywhere (pages or API) moves the participant on every live session of that workshop. */
    onProgress: ((e) => {
      const workshop = workshopOf(e.workshop);
      if (!workshop) return;
      const now = Date.now();
      for (const s of repo.openOf(e.workshop, now)) {
        if (phaseOf(s, now) !== 'live' || !repo.peekParticipant(s.id, e.learnerId)) continue;
        emitter
          .emit(s.id, () => {
            const p = repo.participant(s.id, e.learnerId);
            const next = p && applyProgress(p, workshop, e, Date.now());
            return next ? { records: { participants: [next] }, emits: [participantEvent(next)] } : undefined;
          })
          .catch((err) => deps.log(`sessions: progress event lost: ${err.message}`));
      }
    }) as ProgressListener,

    /** Hosts and helpers get everybody; a participant gets themselves and the room in numbers. */
    state(s: LiveSession, user: SessionUser | undefined) {
      const access = sessions.access(s, user);
      if (access === 'none') throw forbidden('Join the session first.');
      const staff = isStaff(access);
      const workshop = workshopOf(s.workshop);
      const participants = repo.participants(s.id);
      const common = {
        session: sessionView(s, access, deps.baseUrl, sessions.names),
        steps: (workshop?.steps ?? []).map((st) => ({ id: st.id, title: st.title })),
        room: emitter.room(s.id),
        questions: sortQuestions(repo.questions(s.id)).map((q) => questionView(q, staff, user!.id)),
        announcements: [...s.announcements].reverse(),
        lastEventId: repo.lastEventId(s.id),
      };
      if (!staff) return { ...common, me: participants.find((p) => p.userId === user!.id) ?? null };
      return {
        ...common,
        participants: participants.map(staffParticipant).sort((a, b) => a.username.localeCompare(b.username)),
        stuckByStep: stuckByStep(workshop, participants),
        streams: broker.countsFor(s.id),
      };
    },

    /**
     * Checks who may listen and works out what a (re)connecting client missed; the route hands the
     * plan to the broker, which owns the open streams. `ended` means: answer 204 (EventSource stops).
     */
    planStream(s: LiveSession, user: SessionUser, kind: 'staff' | 'participant', lastEventId: number | undefined, auth: StreamAuth): StreamPlan {
      const access = sessions.access(s, user);
      if (kind === 'staff' ? !isStaff(access) : access === 'none') {
        throw forbidden(kind === 'staff' ? 'Only the hosts and helpers of this session see its dashboard.' : 'Join the session first.');
      }
      if (phaseOf(s) === 'ended') return { ended: true };
      const version = env.accounts.peek(user.id)?.sessionVersion;
      const stillAllowed = () => {
        const u = env.accounts.peek(user.id);
        if (!u || u.sessionVersion !== version) return false;
        if (auth.sid && !env.accounts.isSessionActive(auth.sid)) return false;
        if (auth.token && env.accounts.tokenOwner(auth.token) !== user.id) return false;
        const cur = repo.get(s.id);
        if (!cur || phaseOf(cur) === 'ended') return false;
        const a = sessions.access(cur, { id: u.id, username: u.username, role: u.role });
        return kind === 'staff' ? isStaff(a) : a !== 'none';
      };
      const current = repo.lastEventId(s.id);
      const from = lastEventId === undefined ? current : Math.min(lastEventId, current);
      const missed = repo.eventsAfter(s.id, from, MAX_REPLAY);
      const first: { type: string; data: unknown }[] = missed ? [] : [{ type: 'reset', data: { lastEventId: current } }];
      if (kind === 'participant') first.push({ type: 'room', data: emitter.room(s.id) });
      return {
        ended: false,
        subscriber: { sessionId: s.id, userId: user.id, kind, stillAllowed, sid: auth.sid },
        replay: missed ?? [],
        lastSeq: missed ? from : current,
        first,
      };
    },
  };
}

export type LiveService = ReturnType<typeof createLiveService>;
