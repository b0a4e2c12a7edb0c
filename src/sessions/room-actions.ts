import { randomUUID } from 'node:crypto';
import type { SessionsEnv } from './sessions-env.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.ts';
import type { LiveBroker } from './live-broker.ts';
import type { LiveEmitter } from './live-emitter.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { SessionsService } from './sessions-service.ts';
import { phaseOf } from './session-time.ts';
import { canRun, isStaff, type LiveSession, type Question } from './sessions-types.ts';
import { questionView } from './session-views.ts';
import type { SessionExtension } from './sessions-port.ts';

const MAX_QUESTIONS = 300;
const KEEP_ANNOUNCEMENTS = 50;

/** The question queue and the hosts' controls. Every change re-reads the session and checks access. */
export function createRoomActions(deps: {
  repo: SessionsRepository;
  sessions: SessionsService;
  env: SessionsEnv;
  broker: LiveBroker;
  emitter: LiveEmitter;
  /** Features that add to sessions (labs): told when a host ends one. */
  extensions: readonly SessionExtension[];
}) {
  const { sessions, emitter, repo } = deps;

  /** The latest record, still open, with the caller's access checked. */
  function load(id: string, user: SessionUser, need: 'member' | 'staff' | 'run'): LiveSession {
    const s = structuredClone(sessions.get(id));
    const access = sessions.access(s, user);
    const ok = need === 'member' ? access !== 'none' : need === 'staff' ? isStaff(access) : canRun(access);
    if (!ok) throw forbidden(need === 'member' ? 'Join the session first.' : 'Only the hosts of this session can do that.');
    if (phaseOf(s) === 'ended') throw conflict('This session has ended.');
    return s;
  }

  function question(s: LiveSession, qid: string): Question {
    const q = repo.question(s.id, qid);
    if (!q) throw notFound('No such question.');
    return q;
  }

  const questionEvent = (q: Question) => ({ type: 'question', audience: 'all' as const, data: questionView(q, false), staffData: questionView(q, true) });

  return {
    async ask(id: string, user: SessionUser, text: string): Promise<Question> {
      let q!: Question;
      await emitter.emit(id, () => {
        const s = load(id, user, 'member');
        if (repo.questionCount(s.id) >= MAX_QUESTIONS) throw conflict('This session has reached its limit of questions.');
        q = { sessionId: s.id, id: randomUUID(), by: user.id, byName: user.username, text, votes: [], answered: false, pinned: false, at: new Date().toISOString() };
        return { records: { questions: [q] }, emits: [questionEvent(q)] };
      });
      return q;
    },

    /** One vote per person, and not on one's own question. */
    async vote(id: string, user: SessionUser, qid: string, on: boolean): Promise<Question> {
      let q!: Question;
      await emitter.emit(id, () => {
        const s = load(id, user, 'member');
        q = question(s, qid);
        if (q.by === user.id) throw conflict('You cannot vote for your own question.');
        if (q.votes.includes(user.id) === on) return undefined;
        q.votes = on ? [...q.votes, user.id] : q.votes.filter((v) => v !== user.id);
        const vote = { sessionId: s.id, questionId: q.id, userId: user.id, at: new Date().toISOString() };
        return { records: { votes: [{ vote, on }] }, emits: [questionEvent(q)] };
      });
      return q;
    },

    async answer(id: string, user: SessionUser, qid: string, answer: string | undefined): Promise<Question> {
      let q!: Question;
      await emitter.emit(id, () => {
        q = question(load(id, user, 'staff'), qid);
        q.answered = true;
        if (answer) q.answer = answer;
        return { records: { questions: [q] }, emits: [questionEvent(q)] };
      });
      return q;
    },

    async pin(id: string, user: SessionUser, qid: string, pinned: boolean): Promise<Question> {
      let q!: Question;
      await emitter.emit(id, () => {
        q = question(load(id, user, 'staff'), qid);
        q.pinned = pinned;
        return { records: { questions: [q] }, emits: [questionEvent(q)] };
      });
      return q;
    },

    async announce(id: string, user: SessionUser, text: string) {
      const a = { id: randomUUID(), text, byName: user.username, at: new Date().toISOString() };
      await emitter.emit(id, () => {
        const s = load(id, user, 'run');
        s.announcements = [...s.announcements, a].slice(-KEEP_ANNOUNCEMENTS);
        return { records: { session: s }, emits: [{ type: 'announcement', audience: 'all', data: a }] };
      });
      return a;
    },

    async setRoomStep(id: string, user: SessionUser, step: string): Promise<void> {
      await emitter.emit(id, () => {
        const s = load(id, user, 'run');
        const st = deps.env.catalog.findStep(s.workshop, step)?.step;
        if (!st) throw invalid('Some fields need attention.', { step: 'This workshop has no such step.' });
        s.roomStep = st.id;
        return { records: { session: s }, emits: [{ type: 'room-step', audience: 'all', data: { step: st.id, title: st.title, index: st.index } }] };
      });
    },

    /** Opens the session before its start time (it opens by itself a quarter of an hour before). */
    async start(id: string, user: SessionUser): Promise<void> {
      await emitter.emit(id, () => {
        const s = load(id, user, 'run');
        if (s.status === 'live') return undefined;
        s.status = 'live';
        return { records: { session: s }, emits: [{ type: 'status', audience: 'all', data: { status: 'live' } }] };
      });
    },

    /** Ends the session; its streams close when the event is committed (on every instance). */
    async end(id: string, user: SessionUser): Promise<void> {
      await emitter.emit(id, () => {
        const s = load(id, user, 'run');
        s.status = 'ended';
        s.endedAt = new Date().toISOString();
        return { records: { session: s }, emits: [{ type: 'status', audience: 'all', data: { status: 'ended' } }] };
      });
      for (const ext of deps.extensions) {
        try {
          await ext.ended?.(id);
        } catch (err) {
          deps.env.log(`sessions: an extension failed on end: ${(err as Error).message}`);
        }
      }
    },
  };
}

export type RoomActions = ReturnType<typeof createRoomActions>;
