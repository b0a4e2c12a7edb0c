import type { Op, Store } from '../lib/store/store.ts';
import type { Audience, LiveEvent, LiveSession, Participant, Question, Vote } from './sessions-types.ts';
import { phaseOf } from './session-time.ts';

const SEQ_WIDTH = 10;
const participantKey = (sessionId: string, userId: string) => `${sessionId}~${userId}`;
const eventKey = (sessionId: string, seq: number) => `${sessionId}~${String(seq).padStart(SEQ_WIDTH, '0')}`;
const questionKey = (sessionId: string, id: string) => `${sessionId}~${id}`;
const voteKey = (v: Pick<Vote, 'sessionId' | 'questionId' | 'userId'>) => `${v.sessionId}~${v.questionId}~${v.userId}`;

/**
 * The only module of the feature that touches the store. Sessions, participants and events are written
 * together in one commit, so a participant's change and the event that announces it cannot part.
 * Two in-memory indexes are rebuilt from the store at start: the last event id of each session, and
 * the participants of each session.
 */
export function createSessionsRepository(store: Store) {
  const lastSeq = new Map<string, number>();
  for (const e of store.values<LiveEvent>('liveEvents')) {
    if (e.seq > (lastSeq.get(e.sessionId) ?? 0)) lastSeq.set(e.sessionId, e.seq);
  }
  const roster = new Map<string, Set<string>>();
  for (const p of store.values<Participant>('participants')) addToRoster(p);
  // Every step view and every progress write asks which sessions are live: keep them parsed.
  // Treat these objects as read-only; change a copy from get() and write() it.
  const sessions = new Map<string, LiveSession>();
  for (const s of store.values<LiveSession>('liveSessions')) sessions.set(s.id, s);
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
  for (const s of sessions.values()) track(s);
  // Questions of each session in the order asked, and who voted for each: a question or a vote is a
  // record of its own, so asking or voting writes one small record, never the whole session.
  const asked = new Map<string, string[]>();
  const voters = new Map<string, Set<string>>();
  for (const q of store.values<Question>('liveQuestions')) addQuestion(q);
  for (const v of store.values<Vote>('liveVotes')) voterSet(v.sessionId, v.questionId).add(v.userId);
  for (const list of asked.values()) list.sort();

  function addQuestion(q: Pick<Question, 'sessionId' | 'id' | 'at'>) {
    let list = asked.get(q.sessionId);
    if (!list) asked.set(q.sessionId, (list = []));
    if (!list.includes(`${q.at}|${q.id}`)) list.push(`${q.at}|${q.id}`);
  }
  function voterSet(sessionId: string, questionId: string): Set<string> {
    const k = questionKey(sessionId, questionId);
    let set = voters.get(k);
    if (!set) voters.set(k, (set = new Set()));
    return set;
  }
  const withVotes = (q: Question): Question => ({ ...q, votes: [...(voters.get(questionKey(q.sessionId, q.id)) ?? [])] });

  function addToRoster(p: Participant) {
    let set = roster.get(p.sessionId);
    if (!set) roster.set(p.sessionId, (set = new Set()));
    set.add(p.userId);
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
      return (asked.get(sessionId) ?? []).flatMap((entry) => {
        const q = store.get<Question>('liveQuestions', questionKey(sessionId, entry.slice(entry.indexOf('|') + 1)));
        return q ? [withVotes(q)] : [];
      });
    },
    question(sessionId: string, id: string): Question | undefined {
      const q = store.get<Question>('liveQuestions', questionKey(sessionId, id));
      return q && withVotes(q);
    },
    questionCount: (sessionId: string) => asked.get(sessionId)?.length ?? 0,

    participant: (sessionId: string, userId: string) => store.get<Participant>('participants', participantKey(sessionId, userId)),
    participants(sessionId: string): Participant[] {
      const out: Participant[] = [];
      for (const userId of roster.get(sessionId) ?? []) {
        const p = store.get<Participant>('participants', participantKey(sessionId, userId));
        if (p) out.push(p);
      }
      return out;
    },
    participantCount: (sessionId: string) => roster.get(sessionId)?.size ?? 0,

    lastEventId: (sessionId: string) => lastSeq.get(sessionId) ?? 0,
    /** Takes the next event id; commit it in the same turn of the event loop to keep ids in order. */
    newEvent(sessionId: string, type: string, audience: Audience, data: unknown, staffData?: unknown): LiveEvent {
      const seq = (lastSeq.get(sessionId) ?? 0) + 1;
      lastSeq.set(sessionId, seq);
      return { sessionId, seq, type, audience, data, ...(staffData !== undefined ? { staffData } : {}), at: new Date().toISOString() };
    },
    /** Events after `after`, oldest first; undefined when more than `max` were missed. */
    eventsAfter(sessionId: string, after: number, max: number): LiveEvent[] | undefined {
      const last = lastSeq.get(sessionId) ?? 0;
      if (last - after > max) return undefined;
      const out: LiveEvent[] = [];
      for (let seq = Math.max(after, 0) + 1; seq <= last; seq++) {
        const e = store.get<LiveEvent>('liveEvents', eventKey(sessionId, seq));
        if (e) out.push(e);
      }
      return out;
    },

    write(w: { sessions?: LiveSession[]; participants?: Participant[]; events?: LiveEvent[]; questions?: Question[]; votes?: { vote: Vote; on: boolean }[] }): Promise<void> {
      const ops: Op[] = [];
      for (const q of w.questions ?? []) {
        const { votes: _votes, ...record } = q;
        ops.push({ c: 'liveQuestions', k: questionKey(q.sessionId, q.id), v: record });
        addQuestion(q);
      }
      for (const { vote, on } of w.votes ?? []) {
        ops.push({ c: 'liveVotes', k: voteKey(vote), v: on ? vote : null });
        if (on) voterSet(vote.sessionId, vote.questionId).add(vote.userId);
        else voterSet(vote.sessionId, vote.questionId).delete(vote.userId);
      }
      for (const s of w.sessions ?? []) ops.push({ c: 'liveSessions', k: s.id, v: s });
      for (const p of w.participants ?? []) {
        ops.push({ c: 'participants', k: participantKey(p.sessionId, p.userId), v: p });
        addToRoster(p);
      }
      for (const e of w.events ?? []) ops.push({ c: 'liveEvents', k: eventKey(e.sessionId, e.seq), v: e });
      const saved = store.commit(ops);
      for (const s of w.sessions ?? []) {
        sessions.set(s.id, structuredClone(s));
        track(s);
      }
      return saved.catch((err) => {
        // The store undid the batch; show the same.
        for (const q of w.questions ?? []) {
          if (store.get('liveQuestions', questionKey(q.sessionId, q.id))) continue;
          const list = asked.get(q.sessionId);
          if (list) list.splice(list.indexOf(`${q.at}|${q.id}`), 1);
        }
        for (const { vote } of w.votes ?? []) {
          const set = voterSet(vote.sessionId, vote.questionId);
          if (store.get('liveVotes', voteKey(vote))) set.add(vote.userId);
          else set.delete(vote.userId);
        }
        for (const s of w.sessions ?? []) {
          const kept = store.get<LiveSession>('liveSessions', s.id);
          if (kept) {
            sessions.set(s.id, kept);
            track(kept);
          } else sessions.delete(s.id);
        }
        throw err;
      });
    },

    /** Drops the catch-up events of a finished session; the session, roster and report stay. */
    pruneEvents(sessionId: string): Promise<void> {
      const last = lastSeq.get(sessionId) ?? 0;
      const ops: Op[] = [];
      for (let seq = 1; seq <= last; seq++) {
        const k = eventKey(sessionId, seq);
        if (store.get('liveEvents', k)) ops.push({ c: 'liveEvents', k, v: null });
      }
      return store.commit(ops);
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
