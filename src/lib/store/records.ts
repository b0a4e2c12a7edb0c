import { LRUCache } from 'lru-cache';

export interface CollectionSpec {
  /** Number of shard files; a compaction rewrites only the shards that changed. */
  shards: number;
  /** Unique secondary indexes: name -> function giving the indexed value of a record (or undefined). */
  indexes?: Record<string, (value: any) => string | undefined>;
  /** Indexes whose value many records share (a token's owner): name -> function giving the value. */
  groups?: Record<string, (value: any) => string | undefined>;
  /**
   * An append-only log per group (a live session's events): records are keyed `<group>~<seq>` and the
   * store numbers appended records in commit order (see Op.append).
   */
  log?: { group: (value: any) => string };
}

const SEQ_WIDTH = 10;
/** The key of record `seq` of a log group: zero-padded, so keys sort in log order. */
export const logKey = (group: string, seq: number) => `${group}~${String(seq).padStart(SEQ_WIDTH, '0')}`;

interface Collection {
  name: string;
  /** Records are kept as their JSON text: flat strings cost the garbage collector almost nothing,
   * and a snapshot is written by concatenation, without serializing objects again. */
  shards: Map<string, string>[];
  indexes: Map<string, { fn: (v: any) => string | undefined; map: Map<string, string> }>;
  groups: Map<string, { fn: (v: any) => string | undefined; map: Map<string, Set<string>> }>;
  /** Log collections: the highest seq seen per group. */
  last?: Map<string, number>;
}

/** An op with its value already serialized (`s`, null for a delete), once, for the journal and memory alike. */
export interface Encoded {
  c: string;
  k: string;
  s: string | null;
  v?: unknown;
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

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Every record in memory, by collection and shard, with its indexes. Reads never parse more than
 * they return; `peek` shares one frozen parse of a record until it changes. Changes go through
 * `apply`, which returns the ops that undo them and marks the shards it touched dirty.
 */
export class Records {
  private readonly collections = new Map<string, Collection>();
  private readonly parsed = new LRUCache<string, { text: string; value: unknown }>({ max: 20_000 });
  /** `collection#shard` of every shard changed since the last compaction took them. */
  dirty = new Set<string>();

  constructor(specs: Record<string, CollectionSpec>) {
    for (const [name, spec] of Object.entries(specs)) {
      const col: Collection = { name, shards: [], indexes: new Map(), groups: new Map() };
      for (const [index, fn] of Object.entries(spec.indexes ?? {})) col.indexes.set(index, { fn, map: new Map() });
      for (const [group, fn] of Object.entries(spec.groups ?? {})) col.groups.set(group, { fn, map: new Map() });
      for (let i = 0; i < spec.shards; i++) col.shards.push(new Map());
      if (spec.log) col.last = new Map();
      this.collections.set(name, col);
    }
  }

  names(): string[] {
    return [...this.collections.keys()];
  }

  shardCount(name: string): number {
    return this.col(name).shards.length;
  }

  private col(name: string): Collection {
    const col = this.collections.get(name);
    if (!col) throw new Error(`Unknown collection ${name}`);
    return col;
  }

  private shardOf(col: Collection, key: string): number {
    return col.shards.length === 1 ? 0 : fnv1a(key) % col.shards.length;
  }

  /** Loads a shard read from disk (at start-up): its records replace nothing, they are the base. */
  loadShard(name: string, no: number, records: [string, string][]): void {
    const col = this.col(name);
    const map = new Map(records);
    col.shards[no] = map;
    if (col.indexes.size > 0 || col.groups.size > 0) for (const [k, v] of map) this.indexAdd(col, k, JSON.parse(v));
    if (col.last) for (const k of map.keys()) this.logSeen(col, k);
  }

  private logSeen(col: Collection, key: string): void {
    const cut = key.lastIndexOf('~');
    const group = key.slice(0, cut);
    const seq = Number(key.slice(cut + 1));
    if (seq > (col.last!.get(group) ?? 0)) col.last!.set(group, seq);
  }

  /** The highest seq of a log group (0 for none): numbers are never reused, even after a prune. */
  lastOf(name: string, group: string): number {
    return this.col(name).last?.get(group) ?? 0;
  }

  /** Takes the next seq of a log group (the embedded store numbers appends as they are committed). */
  nextSeq(name: string, group: string): number {
    const col = this.col(name);
    if (!col.last) throw new Error(`${name} is not a log collection`);
    const seq = (col.last.get(group) ?? 0) + 1;
    col.last.set(group, seq);
    return seq;
  }

  text(name: string, key: string): string | undefined {
    const col = this.col(name);
    return col.shards[this.shardOf(col, key)]!.get(key);
  }

  get<T>(name: string, key: string): T | undefined {
    const text = this.text(name, key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  peek<T>(name: string, key: string): DeepReadonly<T> | undefined {
    const text = this.text(name, key);
    if (text === undefined) return undefined;
    const id = `${name}\u0000${key}`;
    const hit = this.parsed.get(id);
    if (hit?.text === text) return hit.value as DeepReadonly<T>;
    const value = deepFreeze(JSON.parse(text));
    this.parsed.set(id, { text, value });
    return value as DeepReadonly<T>;
  }

  *values<T>(name: string): IterableIterator<T> {
    for (const shard of this.col(name).shards) for (const text of shard.values()) yield JSON.parse(text) as T;
  }

  count(name: string): number {
    return this.col(name).shards.reduce((n, s) => n + s.size, 0);
  }

  lookup(name: string, index: string, value: string): string | undefined {
    return this.col(name).indexes.get(index)?.map.get(value);
  }

  keysOf(name: string, group: string, value: string): string[] {
    return [...(this.col(name).groups.get(group)?.map.get(value) ?? [])];
  }

  /** The records of one shard, for writing its snapshot. */
  shardEntries(name: string, no: number): [string, string][] {
    return [...this.col(name).shards[no]!.entries()];
  }

  /** Every record of every collection, in one pass (a consistent snapshot for a backup). */
  snapshot(): Record<string, [string, string][]> {
    const out: Record<string, [string, string][]> = {};
    for (const [name, col] of this.collections) out[name] = col.shards.flatMap((s) => [...s.entries()]);
    return out;
  }

  private indexAdd(col: Collection, key: string, value: unknown): void {
    for (const { fn, map } of col.indexes.values()) {
      const iv = fn(value);
      if (iv !== undefined) map.set(iv, key);
    }
    for (const { fn, map } of col.groups.values()) {
      const gv = fn(value);
      if (gv === undefined) continue;
      let set = map.get(gv);
      if (!set) map.set(gv, (set = new Set()));
      set.add(key);
    }
  }

  private indexRemove(col: Collection, key: string, value: unknown): void {
    for (const { fn, map } of col.indexes.values()) {
      const iv = fn(value);
      if (iv !== undefined && map.get(iv) === key) map.delete(iv);
    }
    for (const { fn, map } of col.groups.values()) {
      const gv = fn(value);
      const set = gv === undefined ? undefined : map.get(gv);
      if (!set) continue;
      set.delete(key);
      if (set.size === 0) map.delete(gv!);
    }
  }

  /** Applies encoded ops in memory and returns the ops that undo them, newest first. */
  apply(ops: Encoded[]): Encoded[] {
    const undo: Encoded[] = [];
    for (const op of ops) {
      const col = this.col(op.c);
      const shardNo = this.shardOf(col, op.k);
      const shard = col.shards[shardNo]!;
      const prev = shard.get(op.k);
      const indexed = col.indexes.size > 0 || col.groups.size > 0;
      if (prev !== undefined && indexed) this.indexRemove(col, op.k, JSON.parse(prev));
      if (op.s === null) shard.delete(op.k);
      else {
        shard.set(op.k, op.s);
        if (indexed) this.indexAdd(col, op.k, op.v ?? JSON.parse(op.s));
        if (col.last) this.logSeen(col, op.k);
      }
      this.dirty.add(`${op.c}#${shardNo}`);
      undo.push({ c: op.c, k: op.k, s: prev ?? null });
    }
    return undo.reverse();
  }
}
