import type { SessionsRepository } from './sessions-repository.ts';
import { endsAt, OVERRUN_MS } from './session-time.ts';

/** Catch-up events are kept this long after a session ends; the roster and report stay for good. */
export const KEEP_EVENTS_DAYS = 7;
const EVERY_MS = 6 * 60 * 60 * 1000;

/** Drops the event log of sessions that ended more than KEEP_EVENTS_DAYS ago, at start and every few hours. */
export function createEventPruner(repo: SessionsRepository, log: (msg: string) => void) {
  let timer: NodeJS.Timeout | undefined;
  const done = new Set<string>();

  /** One instance at a time sweeps (several share a database on PostgreSQL); the others skip this round. */
  async function sweep(now = Date.now()) {
    const cutoff = now - KEEP_EVENTS_DAYS * 24 * 60 * 60 * 1000;
    await repo.exclusively('prune-events', async () => {
      for (const s of repo.all()) {
        if (done.has(s.id)) continue;
        const ended = s.endedAt ? Date.parse(s.endedAt) : Date.parse(endsAt(s)) + OVERRUN_MS;
        if (ended > cutoff) continue;
        await repo.pruneEvents(s.id);
        done.add(s.id);
      }
    });
  }

  return {
    sweep,
    start() {
      const run = () => void sweep().catch((err) => log(`sessions: pruning events failed: ${err.message}`));
      run();
      timer = setInterval(run, EVERY_MS).unref();
    },
    stop: () => clearInterval(timer),
  };
}
