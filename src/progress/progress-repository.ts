import type { Op, Store } from '../lib/store/store-api.ts';

export interface StepRecord {
  done: boolean;
  doneAt?: string;
  updatedAt: string;
  checkpoint?: { passed: boolean; at: string; attempts: number };
}

export interface WorkshopProgress {
  learnerId: string;
  workshop: string;
  /** Keyed by step ids that were validated against the workshop before use. */
  steps: Record<string, StepRecord>;
  lastStep?: string;
  startedAt: string;
  updatedAt: string;
}

/** The latest checkpoint attempt on a step: the page that shows its verdict has an address. */
export interface CheckpointAttempt {
  n: number;
  output: string;
  passed: boolean;
  at: string;
  /** The paste was longer than the cap and only its end was kept. */
  truncated?: boolean;
}

/** Progress is one record per learner and workshop, so a write touches one small record. */
const key = (learnerId: string, workshop: string) => `${learnerId}~${workshop}`;
const attemptKey = (learnerId: string, workshop: string, step: string) => `${learnerId}~${workshop}~${step}`;

export function createProgressRepository(store: Store) {
  return {
    /** A copy to change and save. */
    get: (learnerId: string, workshop: string) => store.get<WorkshopProgress>('progress', key(learnerId, workshop)),
    /** The shared, frozen record, for reading. */
    peek: (learnerId: string, workshop: string) => store.peek<WorkshopProgress>('progress', key(learnerId, workshop)),
    /**
     * Reads a learner's record of a workshop (a copy), lets `fn` change it, and saves what it answers
     * (with the step's latest checkpoint attempt, if any); undefined means "nothing to save". On
     * PostgreSQL `fn` runs again if another instance saved the record meanwhile, so no step is lost.
     */
    update(learnerId: string, workshop: string, fn: (p: WorkshopProgress | undefined) => { progress: WorkshopProgress; attempt?: { step: string; value: CheckpointAttempt } } | undefined): Promise<void> {
      return store.transact(() => {
        const out = fn(store.get<WorkshopProgress>('progress', key(learnerId, workshop)));
        if (!out) return [];
        const ops: Op[] = [{ c: 'progress', k: key(learnerId, workshop), v: out.progress }];
        if (out.attempt) ops.push({ c: 'checkpointAttempts', k: attemptKey(learnerId, workshop, out.attempt.step), v: out.attempt.value });
        return ops;
      });
    },
    attempt: (learnerId: string, workshop: string, step: string) => store.peek<CheckpointAttempt>('checkpointAttempts', attemptKey(learnerId, workshop, step)),
    /** Writes the records `merge` makes and removes the old owner's, in one transaction (`merge` runs again on a conflict). */
    move(merge: () => WorkshopProgress[], fromLearnerId: string): Promise<void> {
      return store.transact(() =>
        merge().flatMap((p) => [
          { c: 'progress', k: key(p.learnerId, p.workshop), v: p },
          { c: 'progress', k: key(fromLearnerId, p.workshop), v: null },
        ]),
      );
    },
    /** Every record of a learner (an account being deleted). */
    remove(learnerId: string, workshops: string[]): Promise<void> {
      const ops: Op[] = [];
      for (const w of workshops) if (store.peek('progress', key(learnerId, w))) ops.push({ c: 'progress', k: key(learnerId, w), v: null });
      return store.commit(ops);
    },
    /** All records, one at a time (for the funnels, computed in slices). */
    values: () => store.values<WorkshopProgress>('progress'),
  };
}

export type ProgressRepository = ReturnType<typeof createProgressRepository>;
