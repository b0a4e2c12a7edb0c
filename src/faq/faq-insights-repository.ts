import type { Store } from '../lib/store/store.ts';
import type { WorkshopProgress } from '../progress/progress-repository.ts';

/** Read-only view of learners' progress for the maintainers' drop-off table. */
export function createInsightsRepository(store: Store) {
  return {
    *progress(): IterableIterator<WorkshopProgress> {
      yield* store.values<WorkshopProgress>('progress');
    },
  };
}

export type InsightsRepository = ReturnType<typeof createInsightsRepository>;
