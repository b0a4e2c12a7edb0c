import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { JournalWriter } from './journal.ts';
import type { Encoded } from './records.ts';
import { StoreWriteError } from './store-errors.ts';

interface Pending {
  line: Buffer;
  ops: Encoded[];
  undo: Encoded[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Requests resumed per turn of the event loop after a batch is on disk. */
const ACK_SLICE = 32;

/**
 * Group commit: every commit that arrives while a sync is in flight joins the next batch, so one
 * `write` + one `fdatasync` acknowledges all of them. If the disk refuses a batch, it and everything
 * queued behind it are undone in memory (newest first) and rejected with StoreWriteError.
 * Work that must run between batches (rotating the journal) is queued with `between`.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private between: { run: () => Promise<void>; done: () => void }[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];
  /** Batches written (each acknowledges every commit it holds). */
  batches = 0;

  constructor(
    private readonly journal: () => JournalWriter,
    private readonly undo: (ops: Encoded[]) => void,
    private readonly log: (msg: string) => void,
    /**
     * Called with each batch's ops once they are on disk, before any of its commits is acknowledged
     * (the store tells its listeners and checks the journal's size then).
     */
    private readonly onDurable: (ops: Encoded[]) => void = () => {},
  ) {}

  get busy(): boolean {
    return this.writing || this.pending.length > 0;
  }

  submit(line: Buffer, ops: Encoded[], undo: Encoded[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, ops, undo, resolve, reject });
      this.kick();
    });
  }

  /** Runs `run` between two batches, when nothing is being written. */
  runBetween(run: () => Promise<void>): Promise<void> {
    return new Promise((done) => {
      this.between.push({ run, done });
      this.kick();
    });
  }

  /** Settles when every queued commit is acknowledged or refused. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = true;
    // Let every request that arrives in this turn of the loop join the same batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 || this.between.length > 0) {
      if (this.between.length > 0) {
        const jobs = this.between;
        this.between = [];
        for (const job of jobs) {
          await job.run().catch((err: Error) => this.log(`store: ${err.message}`));
          job.done();
        }
        continue;
      }
      const batch = this.pending;
      this.pending = [];
      try {
        await this.journal().append(batch.length === 1 ? batch[0]!.line : Buffer.concat(batch.map((p) => p.line)));
        this.batches += 1;
        this.onDurable(batch.length === 1 ? batch[0]!.ops : batch.flatMap((p) => p.ops));
        // Each acknowledgement resumes a request that then renders its answer. Resuming a whole batch
        // (a room of 200) at once would hold the event loop for tens of ms, so they go in slices.
        for (let i = 0; i < batch.length; i += ACK_SLICE) {
          if (i > 0) await yieldToLoop();
          for (let j = i; j < Math.min(i + ACK_SLICE, batch.length); j++) batch[j]!.resolve();
        }
      } catch (err) {
        const failed = [...batch, ...this.pending];
        this.pending = [];
        for (let i = failed.length - 1; i >= 0; i--) this.undo(failed[i]!.undo);
        const error = new StoreWriteError(err);
        this.log(`store: ${error.message}`);
        for (const p of failed) p.reject(error);
      }
    }
    this.writing = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
