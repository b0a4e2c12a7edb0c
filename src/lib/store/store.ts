import { mkdir, unlink, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Low } from 'lowdb';
import { LRUCache } from 'lru-cache';
import { openShard, type ShardData } from './shard-file.ts';
import { encodeBatch, journalName, JournalWriter, listJournalGens, readJournal, type Op } from './journal.ts';
import { acquireLock } from './lock.ts';
import { syncDirectory } from './durable-file.ts';
import { StoreWriteError } from './store-errors.ts';
import { writeBackup } from './backup.ts';

export type { Op } from './journal.ts';

export interface CollectionSpec {
  /** Number of shard files; a compaction rewrites only the shards that changed. */
  shards: number;
  /** Unique secondary indexes: name -> function giving the indexed value of a record (or undefined). */
  indexes?: Record<string, (value: any) => string | undefined>;
}

export interface StoreOptions {
  collections: Record<string, CollectionSpec>;
  /** Compact when the journal passes this many bytes. */
  compactBytes?: number;
  /** Compact changed shards at least this often (ms); 0 disables the timer. */
  compactIntervalMs?: number;
  log?: (msg: string) => void;
}

interface Collection {
  name: string;
  /** Records are kept as their JSON text: flat strings cost the garbage collector almost nothing,
   * and a snapshot is written by concatenation, without serializing objects again. */
  shards: Map<string, string>[];
  files: Low<ShardData>[];
  indexes: Map<string, { fn: (v: any) => string | undefined; map: Map<string, string> }>;
}

/** An op with its value already serialized (`s`), once, for the journal and for memory alike. */
interface Encoded {
  c: string;
  k: string;
  s: string | null;
  v?: unknown;
}

interface Pending {
  line: Buffer;
  undo: Encoded[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Requests resumed per turn of the event loop after a batch is on disk. */
const ACK_SLICE = 32;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The embedded store: records in memory, one lowdb file per shard as the snapshot, and an append-only
 * journal for durability. A write costs one small line appended and synced, shared by every request
 * that arrived meanwhile (group commit); snapshots rewrite only changed shards, off the request path.
 * See README.md in this folder for the design and its measurements.
 */
export class Store {
  private readonly collections = new Map<string, Collection>();
  private readonly parsed = new LRUCache<string, { text: string; value: unknown }>({ max: 20_000 });
  private pending: Pending[] = [];
  private writing = false;
  private rotateWaiters: (() => void)[] = [];
  private dirty = new Set<string>();
  private compacting: Promise<void> | undefined;
  private journal!: JournalWriter;
  private gen = 0;
  private obsoleteGens: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private releaseLock: () => Promise<void> = async () => {};
  private readonly log: (msg: string) => void;
  readonly stats = { batches: 0, commits: 0, compactions: 0, lastCompactionMs: 0 };

  private constructor(
    readonly dir: string,
    private readonly options: StoreOptions,
  ) {
    this.log = options.log ?? ((msg) => console.error(msg));
  }

  static async open(dir: string, options: StoreOptions): Promise<Store> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700).catch(() => {});
    const store = new Store(dir, options);
    store.releaseLock = await acquireLock(dir);
    try {
      await store.load();
    } catch (err) {
      await store.releaseLock();
      throw err;
    }
    return store;
  }

  private async load(): Promise<void> {
    for (const [name, spec] of Object.entries(this.options.collections)) {
      const col: Collection = { name, shards: [], files: [], indexes: new Map() };
      for (const [index, fn] of Object.entries(spec.indexes ?? {})) col.indexes.set(index, { fn, map: new Map() });
      for (let i = 0; i < spec.shards; i++) {
        const file = openShard(join(this.dir, `${name}.${String(i).padStart(2, '0')}.json`), name, i);
        await file.read();
        const map = new Map<string, string>(file.data.records);
        file.data.records = [];
        col.shards.push(map);
        col.files.push(file);
        if (col.indexes.size > 0) for (const [k, v] of map) this.indexAdd(col, k, JSON.parse(v));
      }
      this.collections.set(name, col);
    }
    const gens = await listJournalGens(this.dir);
    for (const gen of gens) {
      const path = join(this.dir, journalName(gen));
      const { batches, tornTailBytes } = await readJournal(path);
      if (tornTailBytes > 0) {
        this.log(`store: ${path} ends with ${tornTailBytes} bytes of an unfinished write (never acknowledged); ignored`);
      }
      for (const ops of batches) this.apply(ops.map((op) => ({ c: op.c, k: op.k, s: op.v === null || op.v === undefined ? null : JSON.stringify(op.v), v: op.v })));
    }
    this.obsoleteGens = gens;
    this.gen = (gens.at(-1) ?? 0) + 1;
    this.journal = await JournalWriter.open(this.dir, this.gen);
    await syncDirectory(this.dir);
    const interval = this.options.compactIntervalMs ?? 30_000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        if (this.dirty.size > 0) this.compact().catch((err) => this.log(`store: compaction failed: ${err.message}`));
      }, interval);
      this.timer.unref();
    }
  }

  private col(name: string): Collection {
    const col = this.collections.get(name);
    if (!col) throw new Error(`Unknown collection ${name}`);
    return col;
  }

  private shardOf(col: Collection, key: string): number {
    return col.shards.length === 1 ? 0 : fnv1a(key) % col.shards.length;
  }

  /** A fresh copy of the record: callers may change it freely before committing it back. */
  get<T>(collection: string, key: string): T | undefined {
    const col = this.col(collection);
    const text = col.shards[this.shardOf(col, key)]!.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /**
   * The record as a shared, deeply frozen object, parsed once per change rather than once per call:
   * for read paths that run on every request (the session, the user, a learner's progress). The
   * cache holds the text it was parsed from, so a changed record is parsed again; it is bounded.
   */
  peek<T>(collection: string, key: string): DeepReadonly<T> | undefined {
    const col = this.col(collection);
    const text = col.shards[this.shardOf(col, key)]!.get(key);
    if (text === undefined) return undefined;
    const id = `${collection}\u0000${key}`;
    const hit = this.parsed.get(id);
    if (hit?.text === text) return hit.value as DeepReadonly<T>;
    const value = deepFreeze(JSON.parse(text));
    this.parsed.set(id, { text, value });
    return value as DeepReadonly<T>;
  }

  *values<T>(collection: string): IterableIterator<T> {
    for (const shard of this.col(collection).shards) for (const text of shard.values()) yield JSON.parse(text) as T;
  }

  count(collection: string): number {
    return this.col(collection).shards.reduce((n, s) => n + s.size, 0);
  }

  /** Key of the record whose unique index `index` has `value`. */
  lookup(collection: string, index: string, value: string): string | undefined {
    return this.col(collection).indexes.get(index)?.map.get(value);
  }

  private indexAdd(col: Collection, key: string, value: unknown): void {
    for (const { fn, map } of col.indexes.values()) {
      const iv = fn(value);
      if (iv !== undefined) map.set(iv, key);
    }
  }

  private indexRemove(col: Collection, key: string, value: unknown): void {
    for (const { fn, map } of col.indexes.values()) {
      const iv = fn(value);
      if (iv !== undefined && map.get(iv) === key) map.delete(iv);
    }
  }

  /** Applies encoded ops in memory and returns the ops that undo them. */
  private apply(ops: Encoded[]): Encoded[] {
    const undo: Encoded[] = [];
    for (const op of ops) {
      const col = this.col(op.c);
      const shardNo = this.shardOf(col, op.k);
      const shard = col.shards[shardNo]!;
      const prev = shard.get(op.k);
      const indexed = col.indexes.size > 0;
      if (prev !== undefined && indexed) this.indexRemove(col, op.k, JSON.parse(prev));
      if (op.s === null) shard.delete(op.k);
      else {
        shard.set(op.k, op.s);
        if (indexed) this.indexAdd(col, op.k, op.v ?? JSON.parse(op.s));
      }
      this.dirty.add(`${op.c}#${shardNo}`);
      undo.push({ c: op.c, k: op.k, s: prev ?? null });
    }
    return undo.reverse();
  }

  /**
   * Makes the ops visible at once and durable before the promise resolves. Values must be plain JSON;
   * a value that cannot be serialized is refused before anything changes. If the disk refuses the
   * write, the ops are undone in memory and the promise rejects with StoreWriteError.
   */
  commit(ops: Op[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The store is closed'));
    if (ops.length === 0) return Promise.resolve();
    let line: Buffer;
    let encoded: Encoded[];
    try {
      encoded = ops.map((op) => ({ c: op.c, k: op.k, s: op.v === null || op.v === undefined ? null : JSON.stringify(op.v), v: op.v }));
      line = encodeBatch(encoded);
    } catch (err) {
      return Promise.reject(err);
    }
    const undo = this.apply(encoded);
    this.stats.commits += 1;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, undo, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = true;
    // Let every request that arrives in this turn of the loop join the same batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 || this.rotateWaiters.length > 0) {
      if (this.rotateWaiters.length > 0) {
        const waiters = this.rotateWaiters;
        this.rotateWaiters = [];
        await this.rotate().catch((err) => this.log(`store: journal rotation failed: ${err.message}`));
        for (const w of waiters) w();
        continue;
      }
      const batch = this.pending;
      this.pending = [];
      try {
        await this.journal.append(batch.length === 1 ? batch[0]!.line : Buffer.concat(batch.map((p) => p.line)));
        this.stats.batches += 1;
        // Each acknowledgement resumes a request that then renders its answer. Resuming a whole batch
        // (a room of 200) at once would hold the event loop for tens of ms, so they go in slices,
        // with a turn of the loop between.
        for (let i = 0; i < batch.length; i += ACK_SLICE) {
          if (i > 0) await yieldToLoop();
          for (let j = i; j < Math.min(i + ACK_SLICE, batch.length); j++) batch[j]!.resolve();
        }
      } catch (err) {
        // Undo newest first: the failed batch and everything queued behind it.
        const failed = [...batch, ...this.pending];
        this.pending = [];
        for (let i = failed.length - 1; i >= 0; i--) this.apply(failed[i]!.undo);
        const error = new StoreWriteError(err);
        this.log(`store: ${error.message}`);
        for (const p of failed) p.reject(error);
      }
    }
    this.writing = false;
    if (this.journal.size > (this.options.compactBytes ?? 16 * 1024 * 1024)) {
      this.compact().catch((err) => this.log(`store: compaction failed: ${err.message}`));
    }
  }

  private async rotate(): Promise<void> {
    const next = await JournalWriter.open(this.dir, this.gen + 1);
    await this.journal.close();
    this.obsoleteGens.push(this.gen);
    this.gen += 1;
    this.journal = next;
    await syncDirectory(this.dir);
  }

  private rotateJournal(): Promise<void> {
    return new Promise((resolve) => {
      this.rotateWaiters.push(resolve);
      this.kick();
    });
  }

  /**
   * Writes the changed shards through lowdb and drops the journals they cover. New writes go to a
   * fresh journal meanwhile; replaying it over newer shards is harmless because every op is a put.
   */
  compact(): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    const started = performance.now();
    await this.rotateJournal();
    const covered = this.obsoleteGens;
    this.obsoleteGens = [];
    const dirty = this.dirty;
    this.dirty = new Set();
    try {
      for (const id of dirty) {
        const [name, no] = id.split('#') as [string, string];
        const col = this.col(name);
        const file = col.files[Number(no)]!;
        file.data.records = [...col.shards[Number(no)]!.entries()];
        try {
          await file.write();
        } finally {
          file.data.records = [];
        }
        await yieldToLoop();
      }
    } catch (err) {
      for (const id of dirty) this.dirty.add(id);
      this.obsoleteGens.unshift(...covered);
      throw err;
    }
    for (const gen of covered) await unlink(join(this.dir, journalName(gen))).catch(() => {});
    await syncDirectory(this.dir);
    this.stats.compactions += 1;
    this.stats.lastCompactionMs = performance.now() - started;
  }

  /** A consistent snapshot of every collection, taken in one pass of the event loop. */
  async backup(targetDir: string, keep = 7): Promise<string> {
    const collections: Record<string, [string, string][]> = {};
    for (const [name, col] of this.collections) {
      collections[name] = col.shards.flatMap((s) => [...s.entries()]);
    }
    return writeBackup(targetDir, collections, keep);
  }

  /** Waits for queued writes, compacts, and releases the data folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    while (this.writing || this.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.compact().catch((err) => this.log(`store: final compaction failed: ${err.message}`));
    this.closed = true;
    await this.journal.close();
    await this.releaseLock();
  }
}

/**
 * Replaces the data of a stopped instance with a validated backup. The files it replaces are moved
 * into `pre-restore-<time>/` inside the data folder, never deleted.
 */
export async function restoreInto(dir: string, backupFile: string, options: StoreOptions): Promise<number> {
  const { readBackup } = await import('./backup.ts');
  const { readdir, rename } = await import('node:fs/promises');
  const data = await readBackup(backupFile, Object.keys(options.collections));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const release = await acquireLock(dir);
  const aside = join(dir, `pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  try {
    const names = (await readdir(dir)).filter((n) => /^[a-z][a-zA-Z]*\.\d{2}\.json$|^journal-\d{8}\.log$/.test(n));
    await mkdir(aside, { mode: 0o700 });
    for (const name of names) await rename(join(dir, name), join(aside, name));
    await syncDirectory(dir);
  } finally {
    await release();
  }
  const store = await Store.open(dir, { ...options, compactIntervalMs: 0 });
  let count = 0;
  try {
    for (const [name, records] of Object.entries(data.collections)) {
      for (let i = 0; i < records.length; i += 2000) {
        const chunk = records.slice(i, i + 2000).map(([k, v]) => ({ c: name, k, v }));
        await store.commit(chunk);
        count += chunk.length;
      }
    }
  } finally {
    await store.close();
  }
  return count;
}
