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

/**
 * The postgres client (3.4.9) can throw from a timer after a connection closed under a pending small
 * write (`Immediate.nextWrite`: "Cannot read properties of null (reading 'write')";
 * porsager/postgres#1154, #1208, fixes proposed in #1168 and #1209, not released). Nothing can catch it,
 * and it would end the process during a database outage; the query it belonged to has already
 * failed with CONNECTION_CLOSED, so it is safe to let it pass.
 */
export function isClientWriteAfterClose(err: unknown): boolean {
  const e = err as { name?: string; message?: string; stack?: string } | null;
  return !!e && e.name === 'TypeError' && e.message === "Cannot read properties of null (reading 'write')" &&
    /nextWrite/.test(e.stack ?? '') && /postgres[\\/]src[\\/]connection\.js/.test(e.stack ?? '');
}

let guarded = false;

/**
 * Keeps the process alive through that one error (see above); any other uncaught exception still ends
 * it, as Node does by default. Not installed under vitest, which has handlers of its own (its
 * configuration ignores the same error).
 */
export function surviveClientWriteAfterClose(log: (m: string) => void): void {
  if (guarded || process.env.VITEST) return;
  guarded = true;
  process.on('uncaughtException', (err, origin) => {
    if (isClientWriteAfterClose(err)) {
      log('store: the database client wrote to a connection that had closed (porsager/postgres#1154); its query already failed, carrying on');
      return;
    }
    process.stderr.write(`${origin}: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  });
}
