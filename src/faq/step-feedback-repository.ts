import type { Store } from '../lib/store/store-api.ts';

/** "Did this help?" on a workshop step: one per reader and step, which they can change. */
export interface StepFeedback {
  /** `<workshop>/<step>`, validated against the loaded content before use. */
  step: string;
  /** A user id, or a visitor's learner id (`anon-…`). */
  reader: string;
  helpful: boolean;
  missing?: string;
  at: string;
}

export interface FeedbackCount {
  helpful: number;
  notHelpful: number;
}

const key = (step: string, reader: string) => `${step}~${reader}`;

/** Step feedback; counts per step are tallied once from the records and kept in step with each answer. */
export function createStepFeedbackRepository(store: Store) {
  let tally: Map<string, FeedbackCount> | undefined;

  function bump(map: Map<string, FeedbackCount>, f: { step: string; helpful: boolean }, by: 1 | -1) {
    const c = map.get(f.step) ?? { helpful: 0, notHelpful: 0 };
    if (f.helpful) c.helpful += by;
    else c.notHelpful += by;
    map.set(f.step, c);
  }

  function counts(): Map<string, FeedbackCount> {
    if (!tally) {
      tally = new Map();
      for (const f of store.values<StepFeedback>('stepFeedback')) bump(tally, f, 1);
    }
    return tally;
  }

  // Answers written through other instances (PostgreSQL) move the counts too.
  store.onChange(['stepFeedback'], (changes) => {
    for (const ch of changes) {
      if (!ch.remote || !tally) continue;
      if (ch.prev) bump(tally, ch.prev as StepFeedback, -1);
      if (ch.v) bump(tally, ch.v as StepFeedback, 1);
    }
  });
  store.onReset(() => (tally = undefined));

  return {
    of: (step: string, reader: string) => store.peek<StepFeedback>('stepFeedback', key(step, reader)),
    on: (step: string): StepFeedback[] => store.keysOf('stepFeedback', 'step', step).flatMap((k) => store.get<StepFeedback>('stepFeedback', k) ?? []),
    counts: (): ReadonlyMap<string, FeedbackCount> => counts(),
    async save(f: StepFeedback): Promise<void> {
      const prev = store.get<StepFeedback>('stepFeedback', key(f.step, f.reader));
      const map = counts();
      try {
        await store.commit([{ c: 'stepFeedback', k: key(f.step, f.reader), v: f }]);
      } catch (err) {
        tally = undefined;
        throw err;
      }
      if (tally !== map) return;
      if (prev) bump(map, prev, -1);
      bump(map, f, 1);
    },
  };
}

export type StepFeedbackRepository = ReturnType<typeof createStepFeedbackRepository>;
