import { createHash } from 'node:crypto';
import type { Op, Store } from '../lib/store/store-api.ts';

export interface SearchMiss {
  query: string;
  /** Searches that found nothing for it. */
  count: number;
  /** Different people (accounts, or addresses for visitors) who searched it. */
  reporters: number;
  firstAt: string;
  lastAt: string;
}

export const missKey = (query: string) => createHash('sha256').update(query.toLowerCase()).digest('hex').slice(0, 32);

/** Searches that found nothing (the content gaps maintainers look at), written in batches. */
export function createSearchMissesRepository(store: Store) {
  return {
    get: (key: string) => store.get<SearchMiss>('searchMisses', key),
    all: () => [...store.values<SearchMiss>('searchMisses')],
    count: () => store.count('searchMisses'),
    /**
     * Writes the misses `build` works out from the stored ones, and removes the evicted ones, in one
     * transaction; on PostgreSQL `build` runs again if another instance wrote misses meanwhile.
     */
    saveBatch(build: () => { changed: [string, SearchMiss][]; removed: string[] }): Promise<void> {
      return store.transact(() => {
        const { changed, removed } = build();
        const ops: Op[] = [...changed.map(([k, v]) => ({ c: 'searchMisses', k, v })), ...removed.map((k) => ({ c: 'searchMisses', k, v: null }))];
        return ops;
      });
    },
  };
}

export type SearchMissesRepository = ReturnType<typeof createSearchMissesRepository>;
