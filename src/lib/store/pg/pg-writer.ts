import type { Sql, TransactionSql } from 'postgres';
import { logKey } from '../records.ts';
import { StoreConflictError, StoreUnavailableError } from '../store-errors.ts';
import type { BatchChange, Replica } from './pg-replica.ts';
import type { TableLayout } from './pg-schema.ts';
import { asStoreError, isUniqueViolation } from './pg-util.ts';

/** An op ready to write: its JSON text, and the version of the record this instance held when it was committed. */
export interface PgOp {
  c: string;
  k: string;
  s: string | null;
  v: unknown;
  append?: string;
  expected: number;
}

export interface PendingCommit {
  ops: PgOp[];
  /**
   * Set for a commit that lost to other writers before: its ops are worked out inside its own
   * transaction, once it holds the batch number (which no other writer can take meanwhile) and this
   * instance has applied every batch before it, so it cannot lose again.
   */
  recompute?: () => PgOp[];
  resolve: () => void;
  reject: (err: Error) => void;
  settled: boolean;
}

/** Commits per transaction at most (a room's burst fits; a restore goes in several). */
const MAX_BATCH = 500;

/** What the database holds for a batch's records: their versions, and the logs' last numbers. */
interface BatchState {
  current: Map<string, number>;
  lasts: Map<string, number>;
}

class NothingWritten extends Error {}
/** A recomputed commit refused itself (its function threw) or had nothing left to write. */
class Recomputed extends Error {
  constructor(readonly outcome: Error | undefined) {
    super('recomputed');
  }
}

const id = (c: string, k: string) => `${c}\u0000${k}`;

/**
 * Group commit for PostgreSQL: the commits that arrive while a transaction runs share the next one.
 * Each transaction first takes the next batch number (a row lock that orders every writer in the
 * cluster), then reads the versions of the records it writes: a commit whose records changed since
 * this instance read them is refused alone (StoreConflictError), the others are written together,
 * with the batch's changes for the other instances and one NOTIFY carrying the batch number. Commits
 * are acknowledged once COMMIT returns (synchronous_commit is on) and the batch is applied here.
 */
export class PgWriter {
  private queue: PendingCommit[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];
  readonly counters = { batches: 0, conflicts: 0 };

  constructor(
    private readonly sql: Sql,
    private readonly layouts: Map<string, TableLayout>,
    private readonly replica: Replica,
    private readonly instance: string,
  ) {}

  submit(p: PendingCommit): void {
    this.queue.push(p);
    if (this.writing) return;
    this.writing = true;
    // Let every request of this turn of the event loop join the same transaction.
    setImmediate(() => void this.drain());
  }

  /** Drops a commit that gave up waiting, if its transaction has not started. */
  withdraw(p: PendingCommit): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
  }

  idle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const taken = this.queue.splice(0, MAX_BATCH);
      const batch = taken.filter((p) => !p.recompute);
      if (batch.length) await this.write(batch);
      // Each holds the cluster's writers for a moment: alone, after the others.
      for (const p of taken) if (p.recompute) await this.write([p]);
    }
    this.writing = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async write(batch: PendingCommit[]): Promise<void> {
    let result: { seq: number; accepted: PendingCommit[]; conflicted: PendingCommit[]; changes: BatchChange[] };
    const taken = { seq: 0 };
    try {
      result = await this.sql.begin((tx) => this.transaction(tx, batch, taken));
    } catch (err) {
      if (taken.seq) this.replica.release(taken.seq);
      if (err instanceof Recomputed) return settle(batch[0]!, err.outcome);
      if (err instanceof NothingWritten) return this.refuse(batch, 'changed');
      if (isUniqueViolation(err)) {
        // One commit takes a value another holds (or a commit of the same batch takes): find which, alone.
        if (batch.length === 1) return this.refuse(batch, 'unique', (err as { detail?: string }).detail);
        for (const p of batch) await this.write([p]);
        return;
      }
      const error = asStoreError(err);
      for (const p of batch) settle(p, error instanceof Error ? error : new StoreUnavailableError(err));
      return;
    }
    this.counters.batches += 1;
    this.refuse(result.conflicted, 'changed');
    const applied = this.replica.addLocal(result.seq, result.changes);
    applied.then(
      () => result.accepted.forEach((p) => settle(p)),
      // Committed, but this instance could not apply the batches before it in time: not acknowledged.
      (err: Error) => result.accepted.forEach((p) => settle(p, new StoreUnavailableError(err))),
    );
  }

  private refuse(commits: PendingCommit[], reason: 'changed' | 'unique', detail = ''): void {
    this.counters.conflicts += commits.length;
    for (const p of commits) settle(p, new StoreConflictError(reason, detail || p.ops.map((o) => `${o.c}/${o.k}`).slice(0, 3).join(', ')));
  }

  private async transaction(tx: TransactionSql, batch: PendingCommit[], taken: { seq: number }) {
    let seq: number;
    let state: BatchState;
    const recompute = batch.length === 1 ? batch[0]!.recompute : undefined;
    if (recompute) {
      // Holding the batch number's row lock, catch up with every batch before it, then work out the ops.
      seq = Number((await tx`UPDATE onramp_seq SET seq = seq + 1 RETURNING seq`)[0]!.seq);
      taken.seq = seq;
      this.replica.reserve(seq);
      this.replica.committed(seq - 1);
      await this.replica.waitFor(seq - 1);
      let ops: PgOp[];
      try {
        ops = recompute();
      } catch (err) {
        throw new Recomputed(err as Error);
      }
      if (ops.length === 0) throw new Recomputed(undefined);
      batch[0]!.ops = ops;
      state = await this.readState(tx, batch);
    } else {
      // Pipelined, in this order (queries are sent when executed, not when written): the batch number
      // (the row lock that orders writers), then the versions and the logs' last numbers, read after it.
      const seqQuery = tx`UPDATE onramp_seq SET seq = seq + 1 RETURNING seq`.execute();
      const stateQuery = this.readState(tx, batch);
      const [seqRows] = await Promise.all([seqQuery, stateQuery]);
      seq = Number(seqRows[0]!.seq);
      state = await stateQuery;
      // Until COMMIT returns, the replica must not take this batch for another instance's.
      taken.seq = seq;
      this.replica.reserve(seq);
    }
    const { current, lasts } = state;

    const accepted: PendingCommit[] = [];
    const conflicted: PendingCommit[] = [];
    const final = new Map<string, BatchChange>();
    for (const p of batch) {
      // Deletes are not checked: removing a record is meant whatever it holds now (a token, a session).
      if (p.settled || !p.ops.every((op) => op.append !== undefined || op.s === null || (current.get(id(op.c, op.k)) ?? 0) === op.expected)) {
        if (!p.settled) conflicted.push(p);
        continue;
      }
      accepted.push(p);
      for (const op of p.ops) {
        if (op.append !== undefined) {
          const n = (lasts.get(id(op.c, op.append)) ?? 0) + 1;
          lasts.set(id(op.c, op.append), n);
          (op.v as { seq: number }).seq = n;
          op.k = logKey(op.append, n);
          op.s = JSON.stringify(op.v);
        }
        const key = id(op.c, op.k);
        current.set(key, op.s === null ? 0 : seq);
        final.delete(key);
        final.set(key, { c: op.c, k: op.k, s: op.s, v: op.v });
      }
    }
    if (accepted.length === 0) throw new NothingWritten();

    const changes = [...final.values()];
    const writes: Promise<unknown>[] = [];
    const byCollection = new Map<string, BatchChange[]>();
    for (const ch of changes) {
      let list = byCollection.get(ch.c);
      if (!list) byCollection.set(ch.c, (list = []));
      list.push(ch);
    }
    for (const [c, list] of byCollection) {
      const layout = this.layouts.get(c)!;
      const puts = list.filter((ch) => ch.s !== null);
      const deletes = list.filter((ch) => ch.s === null).map((ch) => ch.k);
      if (puts.length) {
        const cols = layout.columns;
        const params: unknown[] = [puts.map((ch) => ch.k), joinedDocs(puts), seq];
        for (const col of cols) params.push(puts.map((ch) => col.value(ch.v ?? JSON.parse(ch.s!))));
        const names = cols.map((col) => col.name);
        const types = cols.map((col) => (col.name === 'log_seq' ? 'int8' : 'text'));
        const sqlText =
          `INSERT INTO ${layout.table} (key, doc, version${names.map((n) => `, ${n}`).join('')}) ` +
          `SELECT k, d, $3${names.map((n) => `, ${n}`).join('')} ` +
          `FROM ROWS FROM (unnest($1::text[]), unnest(string_to_array($2::text, chr(1)))${types.map((t, i) => `, unnest($${i + 4}::${t}[])`).join('')}) AS x(k, d${names.map((n) => `, ${n}`).join('')}) ` +
          `ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, version = EXCLUDED.version${names.map((n) => `, ${n} = EXCLUDED.${n}`).join('')}`;
        writes.push(tx.unsafe(sqlText, params as never[], { prepare: true }));
      }
      if (deletes.length) writes.push(tx.unsafe(`DELETE FROM ${layout.table} WHERE key = ANY($1::text[])`, [deletes], { prepare: true }));
    }
    writes.push(tx`INSERT INTO onramp_changes (seq, ord, c, k, doc)
      SELECT ${seq}, ord - 1, c, k, NULLIF(d, 'null')
      FROM ROWS FROM (unnest(${changes.map((ch) => ch.c)}::text[]), unnest(${changes.map((ch) => ch.k)}::text[]), unnest(string_to_array(${joinedDocs(changes)}::text, chr(1)))) WITH ORDINALITY AS x(c, k, d, ord)`);
    // Only the number: the changes are in the table (a NOTIFY payload over 8,000 bytes is refused).
    writes.push(tx`SELECT pg_notify('onramp', ${`${seq} ${this.instance}`})`);
    await Promise.all(writes);
    return { seq, accepted, conflicted, changes };
  }

  /** The versions of the records the batch writes and the last numbers of the logs it appends to. */
  private async readState(tx: TransactionSql, batch: PendingCommit[]): Promise<BatchState> {
    const keys = new Map<string, Set<string>>();
    const groups = new Map<string, Set<string>>();
    for (const p of batch) {
      for (const op of p.ops) {
        const into = op.append !== undefined ? groups : keys;
        let set = into.get(op.c);
        if (!set) into.set(op.c, (set = new Set()));
        set.add(op.append ?? op.k);
      }
    }
    const versionQueries = [...keys].map(([c, set]) =>
      tx.unsafe(`SELECT key, version FROM ${this.table(c)} WHERE key = ANY($1::text[])`, [[...set]], { prepare: true }).then((rows) => ({ c, rows })));
    const logQueries = [...groups].map(([c, set]) =>
      tx.unsafe(`SELECT log_group AS g, max(log_seq) AS last FROM ${this.table(c)} WHERE log_group = ANY($1::text[]) GROUP BY log_group`, [[...set]], { prepare: true }).then((rows) => ({ c, rows })));
    const [versions, logs] = await Promise.all([Promise.all(versionQueries), Promise.all(logQueries)]);
    const current = new Map<string, number>();
    for (const { c, rows } of versions) for (const r of rows) current.set(id(c, r.key as string), Number(r.version));
    const lasts = new Map<string, number>();
    for (const { c, rows } of logs) for (const r of rows) lasts.set(id(c, r.g as string), Number(r.last));
    return { current, lasts };
  }

  private table(c: string): string {
    const layout = this.layouts.get(c);
    if (!layout) throw new Error(`Unknown collection ${c}`);
    return layout.table;
  }
}

/**
 * The documents of a batch as one text, separated by U+0001. The driver would escape every quote of
 * every document to send them as a text[] (a tenth of the server's CPU per write); JSON.stringify
 * never writes a control character (it escapes them), so the separator cannot occur in a document and
 * the database splits the text with string_to_array. A delete is the bare word null, which no
 * document is (a record is an object).
 */
function joinedDocs(changes: { s: string | null }[]): string {
  let text = '';
  for (let i = 0; i < changes.length; i++) text += (i ? '\u0001' : '') + (changes[i]!.s ?? 'null');
  return text;
}

function settle(p: PendingCommit, err?: Error): void {
  if (p.settled) return;
  p.settled = true;
  if (err) p.reject(err);
  else p.resolve();
}
