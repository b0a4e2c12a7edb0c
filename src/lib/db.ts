import { join } from 'node:path';
import { EmbeddedStore, type StoreOptions } from './store/store.ts';
import type { Store } from './store/store-api.ts';
import type { PgStore, PgStoreOptions } from './store/pg/pg-store.ts';

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
    liveQuestions: { shards: 4, groups: { session: (q: { sessionId: string }) => q.sessionId } },
    liveVotes: { shards: 4, groups: { question: (v: { sessionId: string; questionId: string }) => `${v.sessionId}~${v.questionId}` } },
    participants: { shards: 8, groups: { session: (p: { sessionId: string }) => p.sessionId } },
    liveEvents: { shards: 8, log: { group: (e: { sessionId: string }) => e.sessionId } },
    notifications: { shards: 4 },
    labs: { shards: 2, groups: { session: (l: { sessionId: string }) => l.sessionId } },
    labWaitlist: { shards: 1, groups: { session: (w: { sessionId: string }) => w.sessionId } },
    meta: { shards: 1 },
  },
};

/** The embedded store in `dir`. */
export function openStore(dir: string, overrides: Partial<StoreOptions> = {}): Promise<EmbeddedStore> {
  return EmbeddedStore.open(dir, { ...STORE_OPTIONS, ...overrides });
}

/** PostgreSQL at `url` (DATABASE_URL): several instances can share it. */
export async function openPgStore(url: string, overrides: Partial<PgStoreOptions> = {}): Promise<PgStore> {
  // Loaded only when asked for: the embedded default starts without the database client.
  const { PgStore } = await import('./store/pg/pg-store.ts');
  return PgStore.open({ collections: STORE_OPTIONS.collections, url, ...overrides });
}

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded store in DATA_DIR/store. */
export function openConfiguredStore(
  config: { dataDir: string; databaseUrl?: string },
  options: { log?: (m: string) => void; embedded?: Partial<StoreOptions>; pg?: Partial<PgStoreOptions> } = {},
): Promise<Store> {
  if (config.databaseUrl) return openPgStore(config.databaseUrl, { log: options.log, ...options.pg });
  return openStore(join(config.dataDir, 'store'), { log: options.log, ...options.embedded });
}

export type { Store } from './store/store-api.ts';
