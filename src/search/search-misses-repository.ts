import { createHash } from 'node:crypto';
import type { Store } from '../lib/store/store.ts';

export interface SearchMiss {
  query: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

/** Beyond this many distinct misses only known ones are counted, so a flood of junk cannot grow the store. */
const MAX_DISTINCT = 5000;

const keyOf = (query: string) => createHash('sha256').update(query.toLowerCase()).digest('hex').slice(0, 32);

/** Searches that found nothing: the content gaps maintainers look at. */
export function createSearchMissesRepository(store: Store) {
  return {
    record(query: string): Promise<void> {
      const label = query.replace(/\s+/g, ' ').trim().slice(0, 200);
      if (!label) return Promise.resolve();
      const k = keyOf(label);
      const prev = store.get<SearchMiss>('searchMisses', k);
      if (!prev && store.count('searchMisses') >= MAX_DISTINCT) return Promise.resolve();
      const now = new Date().toISOString();
      const v: SearchMiss = prev ? { ...prev, count: prev.count + 1, lastAt: now } : { query: label, count: 1, firstAt: now, lastAt: now };
      return store.commit([{ c: 'searchMisses', k, v }]);
    },
    top(limit = 50): SearchMiss[] {
      return [...store.values<SearchMiss>('searchMisses')].sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt)).slice(0, limit);
    },
  };
}

export type SearchMissesRepository = ReturnType<typeof createSearchMissesRepository>;
