/**
 * Whether a page kept in memory may still be answered: every value its state names (the loaded content,
 * the FAQ's version…) is the same object or number as when it was rendered, and it is `maxAgeMs` old at
 * most, so a dependency someone forgets to name is stale only briefly. Visitors' pages and readers'
 * frames both keep pages this way.
 */
export function stillCurrent(kept: { seen: readonly unknown[]; at: number }, state: readonly unknown[], now: number, maxAgeMs: number): boolean {
  if (now - kept.at > maxAgeMs || state.length !== kept.seen.length) return false;
  for (let i = 0; i < state.length; i++) if (state[i] !== kept.seen[i]) return false;
  return true;
}
