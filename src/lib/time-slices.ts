import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** How long one turn of background work may hold the event loop: a request waiting behind it barely notices. */
export const SLICE_MS = 8;

/**
 * Long work in turns measured in time, not items: an item's cost varies (a progress record, a 40 KB FAQ
 * entry) and so does the machine's speed, so a count per turn that is harmless on a quiet machine
 * stalls a busy one. Call `turn()` between items; it yields to the event loop once a turn has
 * used its budget.
 */
export function timeSlices(budgetMs = SLICE_MS): { turn: () => Promise<void> | undefined } {
  let since = performance.now();
  return {
    turn() {
      if (performance.now() - since < budgetMs) return undefined;
      return yieldToLoop().then(() => {
        since = performance.now();
      });
    },
  };
}
