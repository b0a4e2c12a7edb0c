import type { Sql } from 'postgres';
import { Records, type CollectionSpec } from '../records.ts';
import type { Change } from '../store-api.ts';
import type { TableLayout } from './pg-schema.ts';
import { within } from './pg-util.ts';

/** One key's state after a batch: its JSON text (null: deleted) and, for this instance's own writes, the value. */
export interface BatchChange {
  c: string;
  k: string;
  s: string | null;
  v?: unknown;
}

interface Listener {
  collections: Set<string>;
  fn: (changes: readonly Change[]) => void;
}

/** Batches fetched per query while catching up. */
const FETCH_BATCHES = 200;

/**
 * This instance's copy of the records (the same in-memory Records the embedded store uses), kept in
 * step with the database by applying every batch in commit order: its own batches from what it wrote,
 * other instances' from `onramp_changes`. Applying strictly in order is what makes live-event ids
 * arrive in order everywhere, and lets a commit resolve only once its batch, and every earlier one,
 * is visible here (read-your-writes). An instance further behind than the kept changes reloads.
 */
export class Replica {
  records!: Records;
  /** Version (number of the batch that last wrote it) of every record held, by collection. */
  private versions = new Map<string, Map<string, number>>();
  /** Highest batch applied here. */
  applied = 0;
  /** Highest batch known to be committed. */
  private known = 0;
  private readonly local = new Map<number, BatchChange[]>();
  /** Batch numbers this instance's writer holds, not yet committed: never fetched as another's. */
  private readonly reserved = new Set<number>();
  private waiters: { seq: number; resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout }[] = [];
  private readonly listeners: Listener[] = [];
  private readonly resetListeners: (() => void)[] = [];
  private pumping = false;
  private lastError = '';
  readonly counters = { remoteBatches: 0, reloads: 0 };

  constructor(
    private readonly sql: Sql,
    private readonly specs: Record<string, CollectionSpec>,
    private readonly layouts: Map<string, TableLayout>,
    private readonly timeoutMs: number,
    private readonly log: (m: string) => void,
  ) {}

  version(c: string, k: string): number {
    return this.versions.get(c)?.get(k) ?? 0;
  }

  onChange(collections: readonly string[], fn: (changes: readonly Change[]) => void): void {
    this.listeners.push({ collections: new Set(collections), fn });
  }

  onReset(fn: () => void): void {
    this.resetListeners.push(fn);
  }

  /** Another instance (or a check) says batch `seq` is committed: fetch up to it. */
  committed(seq: number): void {
    if (seq > this.known) this.known = seq;
    if (this.known > this.applied) this.pump();
  }

  /** The writer took batch number `seq` and is about to commit it. */
  reserve(seq: number): void {
    this.reserved.add(seq);
  }

  /** The writer's transaction for `seq` failed; if it committed after all, it is fetched like another's. */
  release(seq: number): void {
    if (this.reserved.delete(seq)) this.pump();
  }

  /** This instance committed batch `seq` with these changes; resolves once it (and all before) is applied. */
  addLocal(seq: number, changes: BatchChange[]): Promise<void> {
    this.reserved.delete(seq);
    if (seq > this.applied) this.local.set(seq, changes);
    this.committed(seq);
    return this.waitFor(seq);
  }

  /** Resolves once batch `seq` is applied; fails after the timeout (the database may be down). */
  waitFor(seq: number): Promise<void> {
    if (seq <= this.applied) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = {
        seq,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new Error(`records not caught up to batch ${seq} within ${this.timeoutMs} ms`));
        }, this.timeoutMs),
      };
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1]!.seq > seq) i--;
      this.waiters.splice(i, 0, w);
    });
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.catchUp().finally(() => {
      this.pumping = false;
      if (this.local.has(this.applied + 1)) this.pump();
    });
  }

  private async catchUp(): Promise<void> {
    try {
      while (this.applied < this.known) {
        const next = this.applied + 1;
        const mine = this.local.get(next);
        if (mine) {
          this.local.delete(next);
          this.apply(next, mine, false);
          continue;
        }
        if (this.reserved.has(next)) return; // this instance's own batch: applied when its commit returns
        let upTo = Math.min(this.known, this.applied + FETCH_BATCHES);
        for (const s of this.local.keys()) if (s > this.applied && s <= upTo) upTo = s - 1;
        for (const s of this.reserved) if (s > this.applied && s <= upTo) upTo = s - 1;
        const rows = await within(
          this.sql`SELECT seq, c, k, doc FROM onramp_changes WHERE seq > ${this.applied} AND seq <= ${upTo} ORDER BY seq, ord`,
          this.timeoutMs,
          'fetching changes',
        );
        if (this.applied >= upTo) continue; // a reload overtook this fetch
        let expect = this.applied + 1;
        let batch: BatchChange[] = [];
        const flush = () => {
          this.apply(expect, batch, true);
          this.counters.remoteBatches += 1;
          expect += 1;
          batch = [];
        };
        for (const r of rows) {
          const seq = Number(r.seq);
          if (seq !== expect) {
            if (batch.length && seq === expect + 1) flush();
            if (seq !== expect) break;
          }
          batch.push({ c: r.c as string, k: r.k as string, s: r.doc as string | null });
        }
        if (batch.length) flush();
        if (expect <= upTo) {
          // Batches between what is applied here and what is kept were pruned: this instance fell too far behind.
          this.log(`store: batches ${expect}-${upTo} are no longer in onramp_changes; reloading every record`);
          await this.reload();
        }
      }
      if (this.lastError) {
        this.log('store: the database answers again; records are up to date');
        this.lastError = '';
      }
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.lastError) this.log(`store: cannot catch up with the database (${message}); retrying`);
      this.lastError = message;
    }
  }

  /** Applies one batch: records, versions, then listeners, then whoever waits for it. */
  private apply(seq: number, changes: BatchChange[], remote: boolean): void {
    const prevs = remote ? changes.map((ch) => this.records.text(ch.c, ch.k)) : undefined;
    for (const ch of changes) {
      this.records.apply([ch]);
      let versions = this.versions.get(ch.c);
      if (!versions) this.versions.set(ch.c, (versions = new Map()));
      if (ch.s === null) versions.delete(ch.k);
      else versions.set(ch.k, seq);
    }
    this.applied = seq;
    this.tell(changes, prevs);
    while (this.waiters.length && this.waiters[0]!.seq <= seq) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private tell(changes: BatchChange[], prevs: (string | undefined)[] | undefined): void {
    const remote = prevs !== undefined;
    for (const l of this.listeners) {
      const out: Change[] = [];
      changes.forEach((ch, i) => {
        if (!l.collections.has(ch.c)) return;
        const v = ch.s === null ? null : remote || ch.v === undefined ? JSON.parse(ch.s) : ch.v;
        const change: Change = { c: ch.c, k: ch.k, v, remote };
        if (remote && prevs[i] !== undefined) change.prev = JSON.parse(prevs[i]!);
        out.push(change);
      });
      if (!out.length) continue;
      try {
        l.fn(out);
      } catch (err) {
        this.log(`store: a change listener failed: ${(err as Error).stack ?? err}`);
      }
    }
  }

  /**
   * Loads every record in one consistent snapshot (at start, and when this instance fell behind what
   * onramp_changes keeps). Listeners are told to rebuild what they derived.
   */
  async reload(): Promise<void> {
    const records = new Records(Object.fromEntries(Object.entries(this.specs).map(([name, spec]) => [name, { ...spec, shards: 1 }])));
    const versions = new Map<string, Map<string, number>>();
    let seq = 0;
    await this.sql.begin('isolation level repeatable read read only', async (tx) => {
      seq = Number((await tx`SELECT seq FROM onramp_seq`)[0]!.seq);
      for (const layout of this.layouts.values()) {
        const entries: [string, string][] = [];
        const v = new Map<string, number>();
        await tx.unsafe(`SELECT key, doc, version FROM ${layout.table}`).cursor(5000, (rows) => {
          for (const r of rows) {
            entries.push([r.key as string, r.doc as string]);
            v.set(r.key as string, Number(r.version));
          }
        });
        records.loadShard(layout.collection, 0, entries);
        versions.set(layout.collection, v);
      }
    });
    const first = this.records === undefined;
    this.records = records;
    this.versions = versions;
    this.applied = seq;
    if (seq > this.known) this.known = seq;
    for (const s of [...this.local.keys()]) if (s <= seq) this.local.delete(s);
    while (this.waiters.length && this.waiters[0]!.seq <= seq) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      w.resolve();
    }
    if (first) return;
    this.counters.reloads += 1;
    for (const fn of this.resetListeners) {
      try {
        fn();
      } catch (err) {
        this.log(`store: a reset listener failed: ${(err as Error).stack ?? err}`);
      }
    }
  }

  stop(): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('The store is closed'));
    }
  }
}
