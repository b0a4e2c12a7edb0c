import { LRUCache } from 'lru-cache';
import { missKey, type SearchMiss, type SearchMissesRepository } from './search-misses-repository.ts';

const HOUR = 60 * 60 * 1000;

export interface MissOptions {
  /** Most misses kept; past it, a new miss replaces the weakest one (fewest people, oldest). */
  cap?: number;
  /** Misses one person (account or address) may add per hour. */
  perReporter?: number;
  flushEveryMs?: number;
  log?: (m: string) => void;
}

/**
 * Searches that found nothing, counted in memory and written in one batch a minute. Each person's
 * misses are limited per hour and each miss counts the different people who hit it, so one visitor
 * pasting junk in a loop neither writes to disk on every search nor drowns the list; and because the
 * weakest entries give way at the cap, real gaps can always get in.
 */
export function createMissRecorder(repo: SearchMissesRepository, options: MissOptions = {}) {
  const cap = options.cap ?? 2000;
  const budget = new LRUCache<string, { n: number; since: number }>({ max: 50_000 });
  const pending = new Map<string, { query: string; count: number; reporters: Set<string>; at: string }>();
  /** Which people already counted for a miss (hashed), so a person counts once per miss. */
  const seen = new LRUCache<string, true>({ max: 200_000 });
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  function allowed(reporter: string, now: number): boolean {
    const b = budget.get(reporter);
    if (!b || now - b.since > HOUR) {
      budget.set(reporter, { n: 1, since: now });
      return true;
    }
    if (b.n >= (options.perReporter ?? 30)) return false;
    b.n += 1;
    return true;
  }

  const strength = (m: SearchMiss) => m.reporters * 1e6 + Math.min(m.count, 999_999);

  async function writePending(): Promise<void> {
    if (pending.size === 0) return;
    const batch = [...pending.entries()];
    pending.clear();
    const fresh = new Map<string, number>();
    for (const [key, p] of batch) {
      const people = [...p.reporters].filter((r) => !seen.has(`${key}|${r}`));
      for (const r of people) seen.set(`${key}|${r}`, true);
      fresh.set(key, people.length);
    }
    // Merged into what is stored when the write happens (another instance may have written the same misses).
    await repo.saveBatch(() => {
      const changed: [string, SearchMiss][] = [];
      for (const [key, p] of batch) {
        const prev = repo.get(key);
        const people = fresh.get(key)!;
        changed.push([key, prev
          ? { ...prev, count: prev.count + p.count, reporters: (prev.reporters ?? 1) + people, lastAt: p.at }
          : { query: p.query, count: p.count, reporters: Math.max(1, people), firstAt: p.at, lastAt: p.at }]);
      }
      const known = new Map(repo.all().map((m) => [missKey(m.query), m]));
      for (const [k, v] of changed) known.set(k, v);
      const removed: string[] = [];
      if (known.size > cap) {
        const weakest = [...known.entries()].sort((a, b) => strength(a[1]) - strength(b[1]) || a[1].lastAt.localeCompare(b[1].lastAt));
        for (const [k] of weakest.slice(0, known.size - cap)) removed.push(k);
      }
      const gone = new Set(removed);
      return { changed: changed.filter(([k]) => !gone.has(k)), removed: removed.filter((k) => repo.get(k) !== undefined) };
    });
  }

  return {
    /** Counts a search that found nothing, for one person (`u:<id>` or `a:<address>`); never waits. */
    record(query: string, reporter: string, now = Date.now()): void {
      const label = query.replace(/\s+/g, ' ').trim().slice(0, 200);
      if (!label || !allowed(reporter, now)) return;
      const key = missKey(label);
      const p = pending.get(key) ?? { query: label, count: 0, reporters: new Set<string>(), at: '' };
      p.count += 1;
      p.reporters.add(reporter);
      p.at = new Date(now).toISOString();
      pending.set(key, p);
    },
    /** Writes what is pending (one batch); the next flush waits for this one. */
    flush(): Promise<void> {
      flushing = flushing.then(writePending).catch((err: Error) => options.log?.(`search: could not save content gaps: ${err.message}`));
      return flushing;
    },
    async top(limit = 50): Promise<SearchMiss[]> {
      await this.flush();
      return repo.all().sort((a, b) => strength(b) - strength(a) || b.lastAt.localeCompare(a.lastAt)).slice(0, limit);
    },
    start(): void {
      timer = setInterval(() => void this.flush(), options.flushEveryMs ?? 60_000);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await this.flush();
    },
  };
}

export type MissRecorder = ReturnType<typeof createMissRecorder>;
