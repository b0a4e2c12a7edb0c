import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Pastes too long for an address, kept in memory for a day so that the page answering a pasted log has
 * a short address (`/faq?q=<the lines that matter>&paste=<hash>`) that reloads, goes Back and can be
 * shared. Nothing is written: a paste is anyone's and most are never seen again. When a paste has gone
 * (a restart, another instance), the address still searches its reduced query.
 */
export function createRecentPastes(options: { maxBytes?: number } = {}) {
  const cache = new LRUCache<string, string>({ maxSize: options.maxBytes ?? 64 * 1024 * 1024, sizeCalculation: (s) => Math.max(1, s.length), ttl: 24 * 60 * 60 * 1000 });
  return {
    /** Keeps the paste and gives its key. */
    keep(text: string): string {
      const key = createHash('sha256').update(text).digest('base64url').slice(0, 22);
      cache.set(key, text);
      return key;
    },
    get: (key: unknown) => (typeof key === 'string' && /^[A-Za-z0-9_-]{22}$/.test(key) ? cache.get(key) : undefined),
  };
}

export type RecentPastes = ReturnType<typeof createRecentPastes>;
