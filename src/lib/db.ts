import { Store, type StoreOptions } from './store/store.ts';

/**
 * Every collection the application keeps, with its shard count. Progress is by far the largest
 * (learners × workshops), so it gets the most shards: a compaction rewrites only the ones that changed.
 */
export const STORE_OPTIONS: StoreOptions = {
  collections: {
    users: { shards: 4, indexes: { username: (u: { usernameKey: string }) => u.usernameKey } },
    sessions: { shards: 8, groups: { user: (s: { userId?: string }) => s.userId } },
    tokens: { shards: 2, groups: { owner: (t: { userId: string }) => t.userId } },
    identities: { shards: 2, groups: { user: (i: { userId: string }) => i.userId } },
    progress: { shards: 32 },
    checkpointAttempts: { shards: 16 },
    guideReads: { shards: 4 },
    passwordResets: { shards: 1 },
    faq: { shards: 8 },
    faqVotes: { shards: 4, groups: { entry: (v: { entryId: string }) => v.entryId } },
    stepFeedback: { shards: 4, groups: { step: (v: { step: string }) => v.step } },
    searchMisses: { shards: 1 },
    liveSessions: { shards: 2, indexes: { code: (s: { code: string }) => s.code } },
    liveQuestions: { shards: 4 },
    liveVotes: { shards: 4 },
    participants: { shards: 8 },
    liveEvents: { shards: 8 },
    notifications: { shards: 4 },
    labs: { shards: 2, groups: { session: (l: { sessionId: string }) => l.sessionId } },
    labWaitlist: { shards: 1, groups: { session: (w: { sessionId: string }) => w.sessionId } },
    meta: { shards: 1 },
  },
};

export function openStore(dir: string, overrides: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open(dir, { ...STORE_OPTIONS, ...overrides });
}

export type { Store } from './store/store.ts';
