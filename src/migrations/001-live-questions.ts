import type { Migration } from '../lib/store/migrate.ts';
import type { Op, Store } from '../lib/store/store.ts';

interface OldQuestion {
  id: string;
  votes?: string[];
  at: string;
  [k: string]: unknown;
}

/**
 * Live-session questions and votes move out of the session record into records of their own (a vote
 * used to rewrite the whole session with every question in it).
 */
export const liveQuestions: Migration = {
  version: 1,
  name: 'live-session questions and votes as records of their own',
  run(store: Store): Op[] {
    const ops: Op[] = [];
    for (const s of store.values<{ id: string; questions?: OldQuestion[] }>('liveSessions')) {
      if (!Array.isArray(s.questions)) continue;
      for (const { votes, ...q } of s.questions) {
        ops.push({ c: 'liveQuestions', k: `${s.id}~${q.id}`, v: { ...q, sessionId: s.id } });
        for (const userId of votes ?? []) ops.push({ c: 'liveVotes', k: `${s.id}~${q.id}~${userId}`, v: { sessionId: s.id, questionId: q.id, userId, at: q.at } });
      }
      const { questions: _moved, ...rest } = s;
      ops.push({ c: 'liveSessions', k: s.id, v: rest });
    }
    return ops;
  },
};
