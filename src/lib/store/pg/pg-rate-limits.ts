import type { Store as RateLimitStore, Options } from 'express-rate-limit';
import type { Sql } from 'postgres';
import { within } from './pg-util.ts';

export type SharedLimitStore = RateLimitStore;

/**
 * express-rate-limit counters in an UNLOGGED table that every instance shares, so N instances allow
 * the configured limit, not N times it. One statement per counted request; a window that has run out
 * starts again at 1. A database outage answers 503 (the error handler turns StoreUnavailableError
 * into one) rather than letting requests through uncounted.
 */
export function createPgRateLimitStore(sql: Sql, prefix: string, timeoutMs: number): SharedLimitStore {
  let windowMs = 60_000;
  const key = (k: string) => `${prefix}:${k}`;
  return {
    prefix,
    localKeys: false,
    init(options: Options) {
      windowMs = options.windowMs;
    },
    async increment(k: string) {
      const rows = await within(
        sql`INSERT INTO onramp_rate_limits AS r (key, hits, reset_at) VALUES (${key(k)}, 1, now() + ${windowMs} * interval '1 millisecond')
          ON CONFLICT (key) DO UPDATE SET
            hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
            reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
          RETURNING hits, reset_at`,
        timeoutMs,
        'counting a rate limit',
      );
      return { totalHits: rows[0]!.hits as number, resetTime: rows[0]!.reset_at as Date };
    },
    async decrement(k: string) {
      await within(sql`UPDATE onramp_rate_limits SET hits = greatest(hits - 1, 0) WHERE key = ${key(k)} AND reset_at > now()`, timeoutMs, 'counting a rate limit');
    },
    async resetKey(k: string) {
      await within(sql`DELETE FROM onramp_rate_limits WHERE key = ${key(k)}`, timeoutMs, 'resetting a rate limit');
    },
    async get(k: string) {
      const rows = await within(sql`SELECT hits, reset_at FROM onramp_rate_limits WHERE key = ${key(k)} AND reset_at > now()`, timeoutMs, 'reading a rate limit');
      return rows[0] ? { totalHits: rows[0].hits as number, resetTime: rows[0].reset_at as Date } : undefined;
    },
  };
}

/** Removes windows that ended (run now and then by one instance). */
export async function pruneRateLimits(sql: Sql): Promise<number> {
  return (await sql`DELETE FROM onramp_rate_limits WHERE reset_at < now()`).count;
}
