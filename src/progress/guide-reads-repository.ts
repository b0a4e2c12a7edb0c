import type { Store } from '../lib/store/store-api.ts';

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
    /** Reads the record (a copy), lets `fn` change it and saves what it answers (undefined: nothing), again on a conflict. */
    update: (learnerId: string, fn: (r: GuideReads | undefined) => GuideReads | undefined) =>
      store.transact(() => {
        const r = fn(store.get<GuideReads>('guideReads', learnerId));
        return r ? [{ c: 'guideReads', k: learnerId, v: r }] : [];
      }),
    /** The record `merge` makes under the account, the visitor's gone, in one transaction. */
    move: (learnerId: string, merge: (visitor: GuideReads | undefined, mine: GuideReads | undefined) => GuideReads | undefined, fromLearnerId: string) =>
      store.transact(() => {
        const merged = merge(store.get<GuideReads>('guideReads', fromLearnerId), store.get<GuideReads>('guideReads', learnerId));
        return merged
          ? [
              { c: 'guideReads', k: learnerId, v: merged },
              { c: 'guideReads', k: fromLearnerId, v: null },
            ]
          : [];
      }),
    remove: (learnerId: string) => (store.peek('guideReads', learnerId) ? store.commit([{ c: 'guideReads', k: learnerId, v: null }]) : Promise.resolve()),
  };
}

export type GuideReadsRepository = ReturnType<typeof createGuideReadsRepository>;
