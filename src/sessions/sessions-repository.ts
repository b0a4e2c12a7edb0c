import type { Op, Store } from '../lib/store/store-api.ts';
import { logKey, type DeepReadonly } from '../lib/store/records.ts';
import type { Audience, LiveEvent, LiveSession, Participant, Question, Vote } from './sessions-types.ts';
import { phaseOf } from './session-time.ts';

const participantKey = (sessionId: string, userId: string) => `${sessionId}~${userId}`;
const questionKey = (sessionId: string, id: string) => `${sessionId}~${id}`;
const voteKey = (v: Pick<Vote, 'sessionId' | 'questionId' | 'userId'>) => `${v.sessionId}~${v.questionId}~${v.userId}`;

/** What one write of the feature holds: records and the events that announce them, committed together. */
export interface WriteSet {
  sessions?: LiveSession[];
  participants?: Participant[];
  events?: LiveEvent[];
  questions?: Question[];
  votes?: { vote: Vote; on: boolean }[];
}

/**
 * The only module of the feature that touches the store. Sessions, participants and events are written
 * together in one commit, so a participant's change and the event that announces it cannot part.
 * Events are appended to the session's log, and the store numbers them in commit order (on PostgreSQL,
 * the database does, so ids agree on every instance). The roster, the questions and their votes are
 * the store's group indexes; the sessions themselves are kept parsed, with those not ended by workshop.
 * Committed events reach `onEvents` listeners in order, whichever instance wrote them.
 */
export function createSessionsRepository(store: Store) {
  // Every step view and every progress write asks which sessions are live: keep them parsed.
  // Treat these objects as read-only; change a copy from get() and write() it.
  const sessions = new Map<string, LiveSession>();
  // Sessions that have not ended, by workshop: what step pages and progress writes look at, so their
  // cost does not grow with every session ever held. Ended ones leave the index when next met.
  const open = new Map<string, Set<string>>();
  const track = (s: LiveSession) => {
    for (const set of open.values()) set.delete(s.id);
    if (phaseOf(s) === 'ended') return;
    let set = open.get(s.workshop);
    if (!set) open.set(s.workshop, (set = new Set()));
    set.add(s.id);
  };
  function refresh(id: string) {
    const s = store.get<LiveSession>('liveSessions', id);
    if (s) {
      sessions.set(id, s);
      track(s);
    } else {
      sessions.delete(id);
      for (const set of open.values()) set.delete(id);
    }
  }
  function rebuild() {
    sessions.clear();
    open.clear();
    for (const s of store.values<LiveSession>('liveSessions')) {
      sessions.set(s.id, s);
      track(s);
    }
  }
  rebuild();

  const eventListeners: ((events: LiveEvent[]) => void)[] = [];
  const rosterListeners: ((sessionIds: Set<string>) => void)[] = [];
  const resetListeners: (() => void)[] = [];
  store.onChange(['liveSessions', 'liveEvents', 'participants'], (changes) => {
    const events: LiveEvent[] = [];
    const rosters = new Set<string>();
    for (const ch of changes) {
      if (ch.c === 'liveSessions') refresh(ch.k);
      else if (ch.c === 'liveEvents') {
        if (ch.v) events.push(ch.v as LiveEvent);
      } else if (ch.remote) rosters.add(ch.k.slice(0, ch.k.indexOf('~')));
    }
    if (events.length) for (const l of eventListeners) l(events);
    if (rosters.size) for (const l of rosterListeners) l(rosters);
  });
  store.onReset(() => {
    rebuild();
    for (const l of resetListeners) l();
  });

  const votersOf = (sessionId: string, questionId: string): string[] => {
    const prefix = questionKey(sessionId, questionId);
    return store.keysOf('liveVotes', 'question', prefix).map((k) => k.slice(prefix.length + 1));
  };
  const withVotes = (q: DeepReadonly<Question>): Question => ({ ...q, votes: votersOf(q.sessionId, q.id) });

  function opsOf(w: WriteSet): Op[] {
    const ops: Op[] = [];
    for (const q of w.questions ?? []) {
      const { votes: _votes, ...record } = q;
      ops.push({ c: 'liveQuestions', k: questionKey(q.sessionId, q.id), v: record });
    }
    for (const { vote, on } of w.votes ?? []) ops.push({ c: 'liveVotes', k: voteKey(vote), v: on ? vote : null });
    for (const s of w.sessions ?? []) ops.push({ c: 'liveSessions', k: s.id, v: s });
    for (const p of w.participants ?? []) ops.push({ c: 'participants', k: participantKey(p.sessionId, p.userId), v: p });
    for (const e of w.events ?? []) ops.push({ c: 'liveEvents', k: '', v: e, append: e.sessionId });
    return ops;
  }

  return {
    get: (id: string) => store.get<LiveSession>('liveSessions', id),
    byCode(code: string): LiveSession | undefined {
      const id = store.lookup('liveSessions', 'code', code);
      return id ? store.get<LiveSession>('liveSessions', id) : undefined;
    },
    codeTaken: (code: string) => store.lookup('liveSessions', 'code', code) !== undefined,
    all: () => [...sessions.values()],
    /** Sessions of a workshop that have not ended (shared objects: read only). */
    openOf(workshop: string, now = Date.now()): LiveSession[] {
      const ids = open.get(workshop);
      if (!ids) return [];
      const out: LiveSession[] = [];
      for (const id of ids) {
        const s = sessions.get(id);
        if (!s || phaseOf(s, now) === 'ended') ids.delete(id);
        else out.push(s);
      }
      return out;
    },

    /** The session's questions in the order asked, each with its voters. */
    questions(sessionId: string): Question[] {
      return store
        .keysOf('liveQuestions', 'session', sessionId)
        // Read only, and each record parsed once per change: every participant opening the room reads them.
        .flatMap((k) => store.peek<Question>('liveQuestions', k) ?? [])
        .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
        .map(withVotes);
    },
    question(sessionId: string, id: string): Question | undefined {
      const q = store.get<Question>('liveQuestions', questionKey(sessionId, id));
      return q && withVotes(q);
    },
    questionCount: (sessionId: string) => store.keysOf('liveQuestions', 'session', sessionId).length,

    /** A fresh copy of the participant's record, to change and write(). */
    participant: (sessionId: string, userId: string) => store.get<Participant>('participants', participantKey(sessionId, userId)),
    /**
     * The participant's record, read only (shared, parsed once per change): for the checks and views
     * that run on every step page and every progress write of someone in a live session.
     */
    peekParticipant: (sessionId: string, userId: string) => store.peek<Participant>('participants', participantKey(sessionId, userId)),
    /**
     * The roster, read only: shared objects parsed once per change of each record (the room's numbers
     * are worked out from it for every participant's stream that opens; parsing 500 records each time
     * made joining a room of n cost n² parses). Change a copy from participant() and write() it.
     */
    participants: (sessionId: string): DeepReadonly<Participant>[] =>
      store.keysOf('participants', 'session', sessionId).flatMap((k) => store.peek<Participant>('participants', k) ?? []),
    participantCount: (sessionId: string) => store.keysOf('participants', 'session', sessionId).length,

    lastEventId: (sessionId: string) => store.lastOf('liveEvents', sessionId),
    /** An event to write; the store gives it its id (`seq`) when it is committed. */
    newEvent(sessionId: string, type: string, audience: Audience, data: unknown, staffData?: unknown): LiveEvent {
      return { sessionId, seq: 0, type, audience, data, ...(staffData !== undefined ? { staffData } : {}), at: new Date().toISOString() };
    },
    /** Events after `after`, oldest first; undefined when more than `max` were missed. */
    eventsAfter(sessionId: string, after: number, max: number): LiveEvent[] | undefined {
      const last = store.lastOf('liveEvents', sessionId);
      if (last - after > max) return undefined;
      const out: LiveEvent[] = [];
      for (let seq = Math.max(after, 0) + 1; seq <= last; seq++) {
        const e = store.get<LiveEvent>('liveEvents', logKey(sessionId, seq));
        if (e) out.push(e);
      }
      return out;
    },

    /**
     * Writes what `build` returns, in one commit; `build` reads the records it changes, and on
     * PostgreSQL runs again if another instance changed them meanwhile. Undefined from `build`: nothing
     * to write. Answers what was written (events with their ids).
     */
    async write(build: () => WriteSet | undefined): Promise<WriteSet | undefined> {
      let last: WriteSet | undefined;
      await store.transact(() => {
        last = build();
        return last ? opsOf(last) : [];
      });
      return last;
    },

    /** Committed events, in order, whichever instance wrote them. */
    onEvents: (listener: (events: LiveEvent[]) => void) => void eventListeners.push(listener),
    /** Sessions whose roster another instance changed (their room summary is due). */
    onRemoteRoster: (listener: (sessionIds: Set<string>) => void) => void rosterListeners.push(listener),
    /** Every record was loaded again (an instance that fell behind): streams should reconnect. */
    onReset: (listener: () => void) => void resetListeners.push(listener),

    /** Drops the catch-up events of a finished session; the session, roster and report stay. */
    pruneEvents(sessionId: string): Promise<void> {
      const last = store.lastOf('liveEvents', sessionId);
      const ops: Op[] = [];
      for (let seq = 1; seq <= last; seq++) {
        const k = logKey(sessionId, seq);
        if (store.get('liveEvents', k)) ops.push({ c: 'liveEvents', k, v: null });
      }
      return store.commit(ops);
    },
    /** Work that one instance at a time should do (the pruner's sweep); undefined if another is at it. */
    exclusively: <T>(name: string, fn: () => Promise<T>) => store.exclusive(`sessions:${name}`, fn, { wait: false }),
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
