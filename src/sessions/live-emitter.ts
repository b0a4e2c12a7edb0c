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

/** Participants' room numbers are sent at most this often per session (they are a summary). */
const ROOM_EVERY_MS = 1000;

/**
 * Saves records together with the events that announce them, then streams the events. Ids are
 * taken and the commit queued in the same turn, so ids are in store order; events go out only once
 * durable, so a client that reconnects can always be replayed what it saw.
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

  return {
    room,
    scheduleRoom,
    async emit(
      sessionId: string,
      records: { session?: LiveSession; participants?: Participant[]; questions?: Question[]; votes?: { vote: Vote; on: boolean }[] },
      emits: Emit[],
    ): Promise<void> {
      const events = emits.map((e) => repo.newEvent(sessionId, e.type, e.audience, e.data, e.staffData));
      await repo.write({ sessions: records.session ? [records.session] : [], participants: records.participants, questions: records.questions, votes: records.votes, events });
      for (const e of events) broker.publish(e);
      if (records.participants?.length) scheduleRoom(sessionId);
    },
    stop() {
      for (const t of roomTimers.values()) clearTimeout(t);
      roomTimers.clear();
    },
  };
}

export type LiveEmitter = ReturnType<typeof createLiveEmitter>;
