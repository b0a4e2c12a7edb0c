import type { Store as RateLimitStore } from 'express-rate-limit';
import type { DeepReadonly } from './records.ts';

/**
 * One change: put `v` under key `k` of collection `c`, or delete the key when `v` is null. In a log
 * collection (see CollectionSpec.log) an op with `append` adds `v` to that group's log instead: the
 * store numbers it (sets `v.seq` and `k`) in commit order, so every instance sees the same ids.
 */
export interface Op {
  c: string;
  k: string;
  v: unknown;
  append?: string;
}

/** A change as listeners see it, once it is durable: `v` is the value (null for a delete). */
export interface Change {
  c: string;
  k: string;
  v: unknown;
  /** Written by another instance (PostgreSQL only): caches derived from the records must follow. */
  remote: boolean;
  /** For a remote change: the value this instance held before (undefined: none), to adjust counts. */
  prev?: unknown;
}

export interface StoreStats {
  /** Batches written (each acknowledges every commit it holds). */
  batches: number;
  commits: number;
  [figure: string]: number;
}

/**
 * What repositories use, whichever backend holds the data: the embedded store (one process, files in
 * DATA_DIR) or PostgreSQL (several instances, DATABASE_URL). Reads are synchronous and served from
 * memory; writes are acknowledged once durable. See README.md in this folder.
 */
export interface Store {
  readonly kind: 'embedded' | 'postgres';
  readonly stats: StoreStats;
  /** Open and accepting writes (for /readyz). */
  readonly isOpen: boolean;

  /** A fresh copy of the record: callers may change it freely before committing it back. */
  get<T>(collection: string, key: string): T | undefined;
  /** The record as a shared, deeply frozen object, parsed once per change: for reads on every request. */
  peek<T>(collection: string, key: string): DeepReadonly<T> | undefined;
  values<T>(collection: string): IterableIterator<T>;
  count(collection: string): number;
  /** Key of the record whose unique index `index` has `value`. */
  lookup(collection: string, index: string, value: string): string | undefined;
  /** Keys of the records whose group index `group` has `value` (e.g. the tokens of one user). */
  keysOf(collection: string, group: string, value: string): string[];
  /** The highest number appended to a group of a log collection (0 for none). */
  lastOf(collection: string, group: string): number;

  /**
   * Writes the ops as one unit, acknowledged once durable. On PostgreSQL each op carries the version of
   * the record this instance held when `commit` was called, and a record changed meanwhile by another
   * writer fails the commit with StoreConflictError: use `transact` for a read-modify-write.
   */
  commit(ops: Op[]): Promise<void>;
  /**
   * A read-modify-write: `fn` reads records (synchronously) and returns the ops to commit. If a record
   * it writes was changed meanwhile by another instance, the records are brought up to date and `fn`
   * runs again (a few times at most, then StoreConflictError). `fn` may throw to refuse (an AppError).
   */
  transact(fn: () => Op[]): Promise<void>;

  /** Called after each batch is durable, in commit order, with the changes to these collections. */
  onChange(collections: readonly string[], listener: (changes: readonly Change[]) => void): void;
  /** Called when the records were reloaded from scratch (an instance that fell too far behind): rebuild derived state. */
  onReset(listener: () => void): void;
  /**
   * Resolves once this instance has applied every write committed anywhere before the call, so a
   * request sees what the same user did through another instance. Undefined when there is nothing to
   * wait for (the embedded store is the only writer).
   */
  caughtUp(): Promise<void> | undefined;
  /**
   * Runs `fn` on one instance at a time (start-up data work, sweeps). With `wait: false`, answers
   * undefined at once if another instance holds it. The records are caught up before `fn` runs.
   */
  exclusive<T>(name: string, fn: () => Promise<T>, options?: { wait?: boolean }): Promise<T | undefined>;

  /**
   * Counters for a rate limiter that every instance shares (PostgreSQL); absent when this process is
   * the only one, and the limiter's own memory is right.
   */
  sharedLimits?(prefix: string): RateLimitStore;

  /** For /readyz: whether the store can serve and write right now. */
  ready(): Promise<{ ok: boolean; detail: string }>;
  /** A consistent snapshot into `targetDir` (embedded); PostgreSQL is backed up with pg_dump. */
  backup(targetDir: string, keep?: number): Promise<string>;
  close(): Promise<void>;
}
