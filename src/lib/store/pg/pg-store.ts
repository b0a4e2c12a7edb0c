import { randomUUID } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import type { CollectionSpec, DeepReadonly } from '../records.ts';
import type { Change, Op, Store, StoreStats } from '../store-api.ts';
import { StoreConflictError, StoreUnavailableError } from '../store-errors.ts';
import { checkTables, migrateSchema } from './pg-migrate.ts';
import { Replica } from './pg-replica.ts';
import { tableLayouts, type TableLayout } from './pg-schema.ts';
import { PgWriter, type PendingCommit, type PgOp } from './pg-writer.ts';
import { asStoreError, surviveClientWriteAfterClose, within } from './pg-util.ts';
import { createPgRateLimitStore, pruneRateLimits, type SharedLimitStore } from './pg-rate-limits.ts';

export interface PgStoreOptions {
  collections: Record<string, CollectionSpec>;
  /** postgres://user:password@host:port/database (DATABASE_URL). */
  url: string;
  log?: (msg: string) => void;
  /** How often to look for batches whose notification was lost (ms). */
  pollMs?: number;
  /** Longest wait for the database before a request is answered 503 (ms). */
  timeoutMs?: number;
  /** Connections in the pool (the listener has one more of its own). */
  poolSize?: number;
  /** Batches kept in onramp_changes for instances that fall behind. */
  keepBatches?: number;
  /** Times `transact` runs its function before giving up on a record that keeps changing. */
  maxAttempts?: number;
}

const CHANNEL = 'onramp';

/**
 * The store on PostgreSQL, for several instances sharing one database. Reads are served from memory,
 * as in the embedded store, from a replica of the tables that every instance keeps in step (see
 * pg-replica.ts); writes go to the database (pg-writer.ts) and are acknowledged once committed and
 * applied here. A request first waits until this instance has applied what was committed before it
 * arrived (`caughtUp`), so a user sees their own writes whichever instance they reach.
 */
export class PgStore implements Store {
  readonly kind = 'postgres';
  private readonly instance = randomUUID().slice(0, 8);
  private readonly replica: Replica;
  private readonly writer: PgWriter;
  private readonly layouts: Map<string, TableLayout>;
  private readonly log: (msg: string) => void;
  private readonly timeoutMs: number;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private listening = false;
  private checking = false;
  private polling = false;
  private checkQueue: { resolve: () => void; reject: (err: Error) => void }[] = [];
  /**
   * Set when the last look at the database failed or a commit was not taken in time, cleared by the
   * next look that succeeds (the poll tries every pollMs). Meanwhile requests are refused at once rather
   * than each waiting out its own timeout.
   */
  private unreachable: Error | undefined;
  private readonly counters = { commits: 0, retries: 0, checks: 0, waits: 0 };
  /**
   * Records this instance is writing, each with the settling of the last commit that writes it. The
   * replica shows a write only once its batch commits, so a second read-modify-write of the same
   * record here waits for the first instead of reading the old value and losing the race.
   */
  private readonly writing = new Map<string, Promise<void>>();

  private constructor(
    private readonly sql: Sql,
    private readonly options: PgStoreOptions,
  ) {
    this.log = options.log ?? ((m) => console.error(m));
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.layouts = tableLayouts(options.collections);
    this.replica = new Replica(sql, options.collections, this.layouts, this.timeoutMs, this.log);
    this.writer = new PgWriter(sql, this.layouts, this.replica, this.instance);
  }

  static async open(options: PgStoreOptions): Promise<PgStore> {
    const sql = postgres(options.url, {
      max: options.poolSize ?? 6,
      connect_timeout: Math.ceil((options.timeoutMs ?? 5000) / 1000),
      idle_timeout: 60,
      onnotice: () => {},
      // An acknowledged write is on disk, whatever the server's default says.
      connection: { synchronous_commit: 'on', application_name: 'onramp' },
    });
    const store = new PgStore(sql, options);
    surviveClientWriteAfterClose(store.log);
    try {
      await migrateSchema(sql, store.log);
      await checkTables(sql, store.layouts.values());
      await store.replica.reload();
      await store.listen();
    } catch (err) {
      await sql.end({ timeout: 1 }).catch(() => {});
      throw asStoreError(err);
    }
    const pollMs = options.pollMs ?? 1000;
    store.timer = setInterval(() => void store.poll(), pollMs);
    store.timer.unref();
    store.housekeeping = setInterval(() => void store.keepTidy(), 60_000);
    store.housekeeping.unref();
    return store;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get stats(): StoreStats {
    return {
      batches: this.writer.counters.batches,
      commits: this.counters.commits,
      conflicts: this.writer.counters.conflicts,
      retries: this.counters.retries,
      localWaits: this.counters.waits,
      freshnessChecks: this.counters.checks,
      appliedBatch: this.replica.applied,
      remoteBatches: this.replica.counters.remoteBatches,
      reloads: this.replica.counters.reloads,
      listening: this.listening ? 1 : 0,
    };
  }

  get<T>(collection: string, key: string): T | undefined {
    return this.replica.records.get<T>(collection, key);
  }

  peek<T>(collection: string, key: string): DeepReadonly<T> | undefined {
    return this.replica.records.peek<T>(collection, key);
  }

  values<T>(collection: string): IterableIterator<T> {
    return this.replica.records.values<T>(collection);
  }

  count(collection: string): number {
    return this.replica.records.count(collection);
  }

  lookup(collection: string, index: string, value: string): string | undefined {
    return this.replica.records.lookup(collection, index, value);
  }

  keysOf(collection: string, group: string, value: string): string[] {
    return this.replica.records.keysOf(collection, group, value);
  }

  lastOf(collection: string, group: string): number {
    return this.replica.records.lastOf(collection, group);
  }

  commit(ops: Op[]): Promise<void> {
    return this.send(ops);
  }

  /** With `recompute`, the ops are worked out again inside the transaction (see PendingCommit). */
  private send(ops: Op[], recompute?: () => Op[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The store is closed'));
    if (ops.length === 0) return Promise.resolve();
    if (this.unreachable) return Promise.reject(new StoreUnavailableError(this.unreachable));
    const done = this.submit(ops, recompute);
    const settled = done.then(() => {}, () => {});
    const keys = ops.filter((op) => op.append === undefined).map((op) => `${op.c}\u0000${op.k}`);
    for (const k of keys) this.writing.set(k, settled);
    void settled.then(() => {
      for (const k of keys) if (this.writing.get(k) === settled) this.writing.delete(k);
    });
    return done;
  }

  /** A commit of this instance still in flight that writes one of these records, if any. */
  private busyWith(ops: Op[]): Promise<void> | undefined {
    if (this.writing.size === 0) return undefined;
    for (const op of ops) {
      if (op.append !== undefined) continue;
      const p = this.writing.get(`${op.c}\u0000${op.k}`);
      if (p) return p;
    }
    return undefined;
  }

  /** Ops as the writer takes them, each with the version of its record that the database must still hold. */
  private pgOps(ops: Op[]): PgOp[] {
    return ops.map((op) => {
      if (!this.layouts.has(op.c)) throw new Error(`Unknown collection ${op.c}`);
      const s = op.v === null || op.v === undefined ? null : JSON.stringify(op.v);
      if (op.append !== undefined && s === null) throw new Error('An append needs a value');
      return { c: op.c, k: op.k, s, v: op.v, append: op.append, expected: op.append === undefined ? this.replica.version(op.c, op.k) : 0 };
    });
  }

  private submit(ops: Op[], recompute?: () => Op[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const p: PendingCommit = { ops: [], resolve, reject, settled: false };
      try {
        p.ops = this.pgOps(ops);
        if (recompute) p.recompute = () => this.pgOps(recompute());
      } catch (err) {
        reject(err as Error);
        return;
      }
      this.counters.commits += 1;
      const timer = setTimeout(() => {
        if (p.settled) return;
        this.writer.withdraw(p);
        p.settled = true;
        const err = new Error(`no commit within ${this.timeoutMs} ms`);
        // A commit the database did not take in time counts as a failed look at it: until one succeeds
        // (the poll, a request's check), commits are refused at once. Otherwise a request that waited
        // for this one (the same record) would then wait out a timeout of its own: 10 s, not 5.
        this.unreachable = err;
        reject(new StoreUnavailableError(err));
      }, this.timeoutMs);
      p.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      p.reject = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.writer.submit(p);
    });
  }

  /**
   * Optimistic at first: the ops are worked out from this instance's records and refused if another
   * writer changed one of them meanwhile. A commit refused twice is sent once more to be worked out
   * inside its transaction, holding the cluster's batch lock: it cannot lose a third time, however
   * busy the record is (without this, the instance that wrote last kept winning its own next race).
   */
  async transact(fn: () => Op[]): Promise<void> {
    const max = this.options.maxAttempts ?? 8;
    const optimistic = Math.min(2, max - 1);
    for (let attempt = 0; ; ) {
      const ops = fn();
      const busy = this.busyWith(ops);
      if (busy) {
        // Another commit of this instance writes the same record: read it once that one is applied.
        this.counters.waits += 1;
        await busy;
        continue;
      }
      attempt += 1;
      try {
        await this.send(ops, attempt > optimistic ? fn : undefined);
        return;
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= max) throw err;
        this.counters.retries += 1;
        // What beat this commit is committed: once it is applied here, `fn` reads it.
        await this.caughtUp();
      }
    }
  }

  onChange(collections: readonly string[], listener: (changes: readonly Change[]) => void): void {
    this.replica.onChange(collections, listener);
  }

  onReset(listener: () => void): void {
    this.replica.onReset(listener);
  }

  /**
   * One query of the current batch number serves every request that arrived before it was sent;
   * requests arriving meanwhile wait for the next one (a check sent earlier could miss their writes).
   */
  caughtUp(): Promise<void> {
    if (this.unreachable && this.checking) return Promise.reject(new StoreUnavailableError(this.unreachable));
    return new Promise((resolve, reject) => {
      this.checkQueue.push({ resolve, reject });
      if (!this.checking) void this.runChecks();
    });
  }

  private async runChecks(): Promise<void> {
    this.checking = true;
    while (this.checkQueue.length > 0) {
      const group = this.checkQueue;
      this.checkQueue = [];
      this.counters.checks += 1;
      try {
        const seq = await this.currentBatch();
        this.unreachable = undefined;
        this.replica.committed(seq);
        const applied = this.replica.waitFor(seq);
        for (const g of group) applied.then(g.resolve, (err: Error) => g.reject(new StoreUnavailableError(err)));
      } catch (err) {
        this.unreachable = err as Error;
        for (const g of group) g.reject(err as Error);
      }
    }
    this.checking = false;
  }

  private async currentBatch(): Promise<number> {
    const rows = await within(this.sql`SELECT seq FROM onramp_seq`, this.timeoutMs, 'reading the batch number');
    return Number(rows[0]!.seq);
  }

  /** Catches what a lost notification would have announced, and notices the database coming back. */
  private async poll(): Promise<void> {
    if (this.closed || this.polling) return;
    this.polling = true;
    try {
      const seq = await this.currentBatch();
      this.unreachable = undefined;
      this.replica.committed(seq);
    } catch (err) {
      // The replica logs when it cannot catch up; requests answer 503 meanwhile.
      this.unreachable = err as Error;
    } finally {
      this.polling = false;
    }
  }

  private async listen(): Promise<void> {
    const meta = await this.sql.listen(
      CHANNEL,
      (payload) => {
        const [seq, from] = payload.split(' ');
        // This instance applies its own batches from what it wrote.
        if (from !== this.instance) this.replica.committed(Number(seq));
      },
      () => {
        // (Re)connected: whatever was announced while the listener was away is caught up now.
        this.listening = true;
        void this.poll();
      },
    );
    this.unlisten = () => meta.unlisten();
  }

  async exclusive<T>(name: string, fn: () => Promise<T>, options: { wait?: boolean } = {}): Promise<T | undefined> {
    const conn = await within(this.sql.reserve(), this.timeoutMs, 'reserving a connection');
    const key = `onramp:${name}`;
    let locked = false;
    try {
      if (options.wait === false) {
        const rows = await within(conn`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`, this.timeoutMs, 'taking a lock');
        if (!rows[0]!.ok) return undefined;
      } else {
        await conn`SELECT pg_advisory_lock(hashtext(${key}))`;
      }
      locked = true;
      await this.caughtUp();
      return await fn();
    } finally {
      if (locked) await conn`SELECT pg_advisory_unlock(hashtext(${key}))`.catch(() => {});
      conn.release();
    }
  }

  /** Drops changes that every instance has had time to apply (an instance further behind reloads). */
  async pruneChanges(): Promise<number> {
    const keep = this.options.keepBatches ?? 100_000;
    const rows = await this.sql`DELETE FROM onramp_changes WHERE seq <= (SELECT seq FROM onramp_seq) - ${keep}`;
    return rows.count;
  }

  /** Once a minute, on one instance: old changes and ended rate-limit windows go. */
  private async keepTidy(): Promise<void> {
    if (this.closed) return;
    try {
      await this.exclusive('housekeeping', async () => {
        await this.pruneChanges();
        await pruneRateLimits(this.sql);
      }, { wait: false });
    } catch (err) {
      this.log(`store: housekeeping failed: ${(err as Error).message}`);
    }
  }

  /** Counters for the rate limits, shared by every instance. */
  sharedLimits(prefix: string): SharedLimitStore {
    return createPgRateLimitStore(this.sql, prefix, this.timeoutMs);
  }

  async ready(): Promise<{ ok: boolean; detail: string }> {
    if (this.closed) return { ok: false, detail: 'the store is closed' };
    try {
      await within(this.sql`SELECT 1`, Math.min(this.timeoutMs, 2000), 'readiness check');
    } catch (err) {
      return { ok: false, detail: `PostgreSQL is not reachable: ${(err as Error).message}` };
    }
    return { ok: true, detail: `PostgreSQL reachable; batch ${this.replica.applied} applied` };
  }

  async backup(): Promise<string> {
    throw new Error('Onramp runs on PostgreSQL (DATABASE_URL is set): back it up with pg_dump, as the README says.');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.idle();
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.housekeeping) clearInterval(this.housekeeping);
    await this.unlisten?.().catch(() => {});
    this.replica.stop();
    await this.sql.end({ timeout: 5 });
  }
}
