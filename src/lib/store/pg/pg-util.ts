import { StoreUnavailableError } from '../store-errors.ts';

/** Errors that mean "the database is not there right now", as opposed to a mistake in a query. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  // 08: connection exceptions; 57P01-57P03: shutting down, crash recovery, cannot connect now; 53300: too many connections.
  if (/^(08|57P0|53300)/.test(code)) return true;
  // Node's socket errors (ECONNREFUSED, ECONNRESET...) and the client's own (CONNECTION_CLOSED, CONNECT_TIMEOUT...).
  return /^(E[A-Z]+|CONNECT_TIMEOUT|CONNECTION_[A-Z]+)$/.test(code);
}

export const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === '23505';

/** A database error as the store reports it: unavailable when the connection is the cause. */
export function asStoreError(err: unknown): unknown {
  return isConnectionError(err) ? new StoreUnavailableError(err) : err;
}

/** Waits at most `ms` for the database: a dead network must not hold a request for minutes. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(new Error(`${what}: no answer within ${ms} ms`))), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err) => {
        clearTimeout(timer);
        reject(asStoreError(err));
      },
    );
  });
}
