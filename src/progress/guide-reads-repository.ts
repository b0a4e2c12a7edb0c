import type { Store } from '../lib/store/store.ts';

/** The guides one learner has read: one small record per learner (slugs validated against the content before use). */
export interface GuideReads {
  learnerId: string;
  /** Guide slug -> when it was first read. */
  guides: Record<string, string>;
}

export function createGuideReadsRepository(store: Store) {
  return {
    /** The shared, frozen record, for reading. */
    peek: (learnerId: string) => store.peek<GuideReads>('guideReads', learnerId),
    /** A copy to change and save. */
    get: (learnerId: string) => store.get<GuideReads>('guideReads', learnerId),
    save: (r: GuideReads) => store.commit([{ c: 'guideReads', k: r.learnerId, v: r }]),
    /** The merged record under the account, the visitor's gone, in one batch. */
    move: (merged: GuideReads, fromLearnerId: string) =>
      store.commit([
        { c: 'guideReads', k: merged.learnerId, v: merged },
        { c: 'guideReads', k: fromLearnerId, v: null },
      ]),
    remove: (learnerId: string) => (store.peek('guideReads', learnerId) ? store.commit([{ c: 'guideReads', k: learnerId, v: null }]) : Promise.resolve()),
  };
}

export type GuideReadsRepository = ReturnType<typeof createGuideReadsRepository>;
