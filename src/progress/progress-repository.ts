import type { Store } from '../lib/store/store.ts';

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

/** Progress is one record per learner and workshop, so a write touches one small record. */
const key = (learnerId: string, workshop: string) => `${learnerId}~${workshop}`;

export function createProgressRepository(store: Store) {
  return {
    /** A copy to change and save. */
    get: (learnerId: string, workshop: string) => store.get<WorkshopProgress>('progress', key(learnerId, workshop)),
    /** The shared, frozen record, for reading. */
    peek: (learnerId: string, workshop: string) => store.peek<WorkshopProgress>('progress', key(learnerId, workshop)),
    save: (p: WorkshopProgress) => store.commit([{ c: 'progress', k: key(p.learnerId, p.workshop), v: p }]),
    /** Writes the merged records and removes the old owner's in one batch. */
    move(records: WorkshopProgress[], fromLearnerId: string): Promise<void> {
      return store.commit(
        records.flatMap((p) => [
          { c: 'progress', k: key(p.learnerId, p.workshop), v: p },
          { c: 'progress', k: key(fromLearnerId, p.workshop), v: null },
        ]),
      );
    },
  };
}

export type ProgressRepository = ReturnType<typeof createProgressRepository>;
