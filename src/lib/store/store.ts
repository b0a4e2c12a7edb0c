import { mkdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBatch, journalName, JournalWriter, listJournalGens, readJournal } from './journal.ts';
import { acquireLock } from './lock.ts';
import { syncDirectory } from './durable-file.ts';
import { writeBackup } from './backup.ts';
import { logKey, Records, type CollectionSpec, type DeepReadonly, type Encoded } from './records.ts';
import { GroupCommit } from './group-commit.ts';
import { compactShards } from './compaction.ts';
import { openShard, shardPath } from './shard-file.ts';

import type { Change, Op, Store, StoreStats } from './store-api.ts';

export type { Change, Op, Store, StoreStats } from './store-api.ts';
export { deepFreeze, type CollectionSpec, type DeepReadonly } from './records.ts';

export interface StoreOptions {
  collections: Record<string, CollectionSpec>;
  /** Compact when the journal passes this many bytes. */
  compactBytes?: number;
  /** Compact changed shards at least this often (ms); 0 disables the timer. */
  compactIntervalMs?: number;
  log?: (msg: string) => void;
}

const encode = (op: Op): Encoded => ({ c: op.c, k: op.k, s: op.v === null || op.v === undefined ? null : JSON.stringify(op.v), v: op.v });

/**
 * The embedded store: records in memory (records.ts), one lowdb file per shard as the snapshot, and
 * an append-only journal for durability. A write costs one small line appended and synced, shared by
 * every request that arrived meanwhile (group-commit.ts); snapshots rewrite only changed shards, off
 * the request path (compaction.ts). See README.md in this folder for the design and its measurements.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded';
  private readonly records: Records;
  private readonly log: (msg: string) => void;
  private readonly group: GroupCommit;
  private journal!: JournalWriter;
  private gen = 0;
  /** Journal generations whose every op is in memory and will be covered by the next snapshot. */
  private obsoleteGens: number[] = [];
  private compacting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private releaseLock: () => Promise<void> = async () => {};
  private readonly counters = { commits: 0, compactions: 0, lastCompactionMs: 0 };
  private readonly listeners: { collections: Set<string>; fn: (changes: readonly Change[]) => void }[] = [];

  /** Open and accepting writes (for /readyz). */
  get isOpen(): boolean {
    return !this.closed;
  }

  get stats(): StoreStats {
    return { batches: this.group.batches, ...this.counters };
  }

  private constructor(
    readonly dir: string,
    private readonly options: StoreOptions,
  ) {
    this.log = options.log ?? ((msg) => console.error(msg));
    this.records = new Records(options.collections);
    this.group = new GroupCommit(
      () => this.journal,
      (ops) => this.records.apply(ops),
      this.log,
      (ops) => {
        this.tell(ops);
        // After every batch, not when the queue empties: a server that is never idle never empties it,
        // and its journal (what a restart replays) would grow for as long as the load lasts.
        this.compactIfLong();
      },
    );
  }

  static async open(dir: string, options: StoreOptions): Promise<EmbeddedStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700).catch(() => {});
    const store = new EmbeddedStore(dir, options);
    store.releaseLock = await acquireLock(dir);
    try {
      await store.load();
    } catch (err) {
      await store.releaseLock();
      throw err;
    }
    return store;
  }

  /** Every shard is parsed and checked, then the journals are replayed in order over them. */
  private async load(): Promise<void> {
    for (const name of this.records.names()) {
      for (let i = 0; i < this.records.shardCount(name); i++) {
        const file = openShard(shardPath(this.dir, name, i), name, i);
        await file.read();
        this.records.loadShard(name, i, file.data.records);
      }
    }
    const gens = await listJournalGens(this.dir);
    for (const gen of gens) {
      const path = join(this.dir, journalName(gen));
      const { batches, tornTailBytes } = await readJournal(path);
      if (tornTailBytes > 0) {
        this.log(`store: ${path} ends with ${tornTailBytes} bytes of an unfinished write (never acknowledged); ignored`);
      }
      // Replaying marks the shards it touches dirty: the next compaction writes them and drops these journals.
      for (const ops of batches) this.records.apply(ops.map(encode));
    }
    this.obsoleteGens = gens;
    this.gen = (gens.at(-1) ?? 0) + 1;
    this.journal = await JournalWriter.open(this.dir, this.gen);
    await syncDirectory(this.dir);
    const interval = this.options.compactIntervalMs ?? 30_000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        if (this.records.dirty.size > 0) this.compactInBackground();
      }, interval);
      this.timer.unref();
    }
  }

  /** A fresh copy of the record: callers may change it freely before committing it back. */
  get<T>(collection: string, key: string): T | undefined {
    return this.records.get<T>(collection, key);
  }

  /**
   * The record as a shared, deeply frozen object, parsed once per change rather than once per call:
   * for read paths that run on every request (the session, the user, a learner's progress).
   */
  peek<T>(collection: string, key: string): DeepReadonly<T> | undefined {
    return this.records.peek<T>(collection, key);
  }

  values<T>(collection: string): IterableIterator<T> {
    return this.records.values<T>(collection);
  }

  count(collection: string): number {
    return this.records.count(collection);
  }

  /** Key of the record whose unique index `index` has `value`. */
  lookup(collection: string, index: string, value: string): string | undefined {
    return this.records.lookup(collection, index, value);
  }

  /** Keys of the records whose group index `group` has `value` (e.g. the tokens of one user). */
  keysOf(collection: string, group: string, value: string): string[] {
    return this.records.keysOf(collection, group, value);
  }

  lastOf(collection: string, group: string): number {
    return this.records.lastOf(collection, group);
  }

  /**
   * Makes the ops visible at once and durable before the promise resolves. Values must be plain JSON;
   * a value that cannot be serialized is refused before anything changes. If the disk refuses the
   * write, the ops are undone in memory and the promise rejects with StoreWriteError.
   */
  commit(ops: Op[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The store is closed'));
    if (ops.length === 0) return Promise.resolve();
    // Appends are numbered now: this process is the only writer, and the journal keeps commit order.
    for (const op of ops) {
      if (op.append === undefined) continue;
      const seq = this.records.nextSeq(op.c, op.append);
      (op.v as { seq: number }).seq = seq;
      op.k = logKey(op.append, seq);
    }
    let encoded: Encoded[];
    let line: Buffer;
    try {
      encoded = ops.map(encode);
      line = encodeBatch(encoded);
    } catch (err) {
      return Promise.reject(err);
    }
    const undo = this.records.apply(encoded);
    this.counters.commits += 1;
    return this.group.submit(line, encoded, undo);
  }

  /** One process writes everything, and reads and commit happen in one turn: nothing can change in between. */
  transact(fn: () => Op[]): Promise<void> {
    let ops: Op[];
    try {
      ops = fn();
    } catch (err) {
      return Promise.reject(err);
    }
    return this.commit(ops);
  }

  onChange(collections: readonly string[], fn: (changes: readonly Change[]) => void): void {
    this.listeners.push({ collections: new Set(collections), fn });
  }

  /** The embedded store is never reloaded while running. */
  onReset(): void {}

  /** Every write goes through this process, so its records are always current. */
  caughtUp(): undefined {
    return undefined;
  }

  /** One process: nobody else can run it. */
  async exclusive<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async ready(): Promise<{ ok: boolean; detail: string }> {
    return this.closed ? { ok: false, detail: 'the store is closed' } : { ok: true, detail: 'embedded store open' };
  }

  private tell(ops: Encoded[]): void {
    for (const l of this.listeners) {
      const changes: Change[] = [];
      for (const op of ops) if (l.collections.has(op.c)) changes.push({ c: op.c, k: op.k, v: op.s === null ? null : op.v, remote: false });
      if (changes.length > 0) l.fn(changes);
    }
  }

  private compactIfLong(): void {
    if (this.journal.size > (this.options.compactBytes ?? 16 * 1024 * 1024)) this.compactInBackground();
  }

  private compactInBackground(): void {
    this.compact().catch((err: Error) => this.log(`store: compaction failed: ${err.message}`));
  }

  /** Rotates the journal and writes the changed shards through lowdb (see compaction.ts). */
  compact(): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    const started = performance.now();
    await this.group.runBetween(async () => {
      const next = await JournalWriter.open(this.dir, this.gen + 1);
      await this.journal.close();
      this.obsoleteGens.push(this.gen);
      this.gen += 1;
      this.journal = next;
      await syncDirectory(this.dir);
    });
    const covered = this.obsoleteGens;
    this.obsoleteGens = [];
    try {
      await compactShards(this.dir, this.records, covered);
    } catch (err) {
      this.obsoleteGens.unshift(...covered);
      throw err;
    }
    this.counters.compactions += 1;
    this.counters.lastCompactionMs = performance.now() - started;
  }

  /** A consistent snapshot of every collection, taken in one pass of the event loop. */
  async backup(targetDir: string, keep = 7): Promise<string> {
    return writeBackup(targetDir, this.records.snapshot(), keep);
  }

  /** Waits for queued writes, compacts, and releases the data folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await this.group.idle();
    // A compaction already running covers only the journals rotated before it: after it, one more
    // folds in what came since, so a clean stop leaves an empty journal and the next start replays nothing.
    await this.compacting?.catch(() => {});
    await this.compact().catch((err: Error) => this.log(`store: final compaction failed: ${err.message}`));
    this.closed = true;
    await this.journal.close();
    await this.releaseLock();
  }
}
