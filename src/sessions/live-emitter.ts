import type { Workshop } from '../content/content-loader.ts';
import type { LiveBroker } from './live-broker.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { Audience, LiveSession, Participant, Question, Vote } from './sessions-types.ts';
import { roomAggregate } from './session-views.ts';

export interface Emit {
  type: string;
  audience: Audience;
  data: unknown;
  staffData?: unknown;
}

/** What one action changes: records, and the events that announce them. */
export interface Change {
  records: { session?: LiveSession; participants?: Participant[]; questions?: Question[]; votes?: { vote: Vote; on: boolean }[] };
  emits: Emit[];
}

/** Participants' room numbers are sent at most this often per session (they are a summary). */
const ROOM_EVERY_MS = 1000;

/**
 * Saves records together with the events that announce them; the streams get the events from the
 * repository once they are committed, in commit order, whichever instance wrote them (so a host on
 * one instance sees what participants do on another), and a client that reconnects anywhere can be
 * replayed what it missed.
 */
export function createLiveEmitter(repo: SessionsRepository, broker: LiveBroker, workshopOf: (slug: string) => Workshop | undefined) {
  const roomTimers = new Map<string, NodeJS.Timeout>();

  function room(sessionId: string) {
    const s = repo.get(sessionId);
    return roomAggregate(s && workshopOf(s.workshop), repo.participants(sessionId));
  }

  function scheduleRoom(sessionId: string) {
    if (roomTimers.has(sessionId)) return;
    const t = setTimeout(() => {
      roomTimers.delete(sessionId);
      if (broker.countsFor(sessionId).participants > 0) broker.publishTransient(sessionId, 'participant', 'room', room(sessionId));
    }, ROOM_EVERY_MS);
    t.unref();
    roomTimers.set(sessionId, t);
  }

  repo.onEvents((events) => {
    for (const e of events) {
      broker.publish(e);
      // A session ended anywhere: its streams here close too (clients are answered 204 if they come back).
      if (e.type === 'status' && (e.data as { status?: string }).status === 'ended') broker.closeSession(e.sessionId);
    }
  });
  repo.onRemoteRoster((ids) => ids.forEach(scheduleRoom));
  // Every record was loaded again: streams reconnect and are replayed what they missed.
  repo.onReset(() => broker.closeAll());

  return {
    room,
    scheduleRoom,
    /**
     * Writes what `build` returns (it reads the records it changes: on PostgreSQL it runs again if
     * another instance changed them meanwhile); undefined from `build` writes nothing. Answers whether
     * something was written.
     */
    async emit(sessionId: string, build: () => Change | undefined): Promise<boolean> {
      const written = await repo.write(() => {
        const change = build();
        if (!change) return undefined;
        const { records, emits } = change;
        const events = emits.map((e) => repo.newEvent(sessionId, e.type, e.audience, e.data, e.staffData));
        return { sessions: records.session ? [records.session] : [], participants: records.participants, questions: records.questions, votes: records.votes, events };
      });
      if (written?.participants?.length) scheduleRoom(sessionId);
      return written !== undefined;
    },
    stop() {
      for (const t of roomTimers.values()) clearTimeout(t);
      roomTimers.clear();
    },
  };
}

export type LiveEmitter = ReturnType<typeof createLiveEmitter>;
