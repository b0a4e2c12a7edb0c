import type { DeepReadonly } from '../lib/store/records.ts';
import type { Op, Store } from '../lib/store/store-api.ts';
import type { Lab, Waiting } from './labs-types.ts';

const key = (sessionId: string, id: string) => `${sessionId}~${id}`;

/**
 * The only module of the feature that touches the store: labs (one record each, grouped by session)
 * and the waiting list (one record per waiting participant). A change of several records, such as
 * a swap, is one transaction: `write` takes a function that reads the pool and says what to change,
 * and on PostgreSQL runs it again if another instance changed those records meanwhile, so two joins
 * on two instances cannot take the same lab.
 */
export interface LabWrite {
  labs?: Lab[];
  removeLabs?: Lab[];
  waiting?: Waiting[];
  leave?: Pick<Waiting, 'sessionId' | 'userId'>[];
}

export function createLabsRepository(store: Store) {
  const byName = (a: Lab, b: Lab) => a.name.localeCompare(b.name, 'en', { numeric: true });
  /** A session's waiting list, first come first; `read` gives a copy to change or a shared record to read. */
  const line = <W extends { since: string }>(sessionId: string, read: (key: string) => W | undefined): W[] =>
    store
      .keysOf('labWaitlist', 'session', sessionId)
      .flatMap((k) => read(k) ?? [])
      .sort((a, b) => a.since.localeCompare(b.since));

  return {
    pool(sessionId: string): Lab[] {
      return store
        .keysOf('labs', 'session', sessionId)
        .flatMap((k) => store.get<Lab>('labs', k) ?? [])
        .sort(byName);
    },
    lab: (sessionId: string, id: string) => store.get<Lab>('labs', key(sessionId, id)),
    /** The lab a user holds, read without copying (step pages ask on every view). */
    heldBy(sessionId: string, userId: string): DeepReadonly<Lab> | undefined {
      for (const k of store.keysOf('labs', 'session', sessionId)) {
        const l = store.peek<Lab>('labs', k);
        if (l?.holder?.userId === userId) return l;
      }
      return undefined;
    },
    size: (sessionId: string) => store.keysOf('labs', 'session', sessionId).length,
    /** Sessions that have labs (the sweeper looks at them). */
    sessionsWithLabs(): string[] {
      const ids = new Set<string>();
      for (const l of store.values<Lab>('labs')) ids.add(l.sessionId);
      return [...ids];
    },
    all: () => store.values<Lab>('labs'),

    waiting: (sessionId: string): Waiting[] => line(sessionId, (k) => store.get<Waiting>('labWaitlist', k)),
    /** Where a user is in the line (1 first), read without copies: every waiting participant's step page asks. */
    placeInLine(sessionId: string, userId: string): number | undefined {
      const i = line(sessionId, (k) => store.peek<Waiting>('labWaitlist', k)).findIndex((w) => w.userId === userId);
      return i >= 0 ? i + 1 : undefined;
    },
    waitingFor: (sessionId: string, userId: string) => store.get<Waiting>('labWaitlist', key(sessionId, userId)),

    /** Work that one instance at a time should do (the sweep); undefined if another is at it. */
    exclusively: <T>(name: string, fn: () => Promise<T>) => store.exclusive(`labs:${name}`, fn, { wait: false }),
    /** Writes what `build` returns (undefined: nothing), reading and writing as one transaction. */
    write(build: () => LabWrite | undefined): Promise<void> {
      return store.transact(() => {
        const w = build();
        return w ? opsOf(w) : [];
      });
    },
  };
}

function opsOf(w: LabWrite): Op[] {
  const ops: Op[] = [];
  for (const l of w.labs ?? []) ops.push({ c: 'labs', k: key(l.sessionId, l.id), v: l });
  for (const l of w.removeLabs ?? []) ops.push({ c: 'labs', k: key(l.sessionId, l.id), v: null });
  for (const x of w.waiting ?? []) ops.push({ c: 'labWaitlist', k: key(x.sessionId, x.userId), v: x });
  for (const x of w.leave ?? []) ops.push({ c: 'labWaitlist', k: key(x.sessionId, x.userId), v: null });
  return ops;
}

export type LabsRepository = ReturnType<typeof createLabsRepository>;
