import type { DeepReadonly, Op, Store } from '../lib/store/store.ts';
import type { Lab, Waiting } from './labs-types.ts';

const key = (sessionId: string, id: string) => `${sessionId}~${id}`;

/**
 * The only module of the feature that touches the store: labs (one record each, grouped by session)
 * and the waiting list (one record per waiting participant). A change of several records, such as
 * a swap, is one commit; callers read and write in the same turn of the event loop, so two joins
 * cannot take the same lab.
 */
export function createLabsRepository(store: Store) {
  const byName = (a: Lab, b: Lab) => a.name.localeCompare(b.name, 'en', { numeric: true });

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

    waiting(sessionId: string): Waiting[] {
      return store
        .keysOf('labWaitlist', 'session', sessionId)
        .flatMap((k) => store.get<Waiting>('labWaitlist', k) ?? [])
        .sort((a, b) => a.since.localeCompare(b.since));
    },
    waitingFor: (sessionId: string, userId: string) => store.get<Waiting>('labWaitlist', key(sessionId, userId)),

    write(w: { labs?: Lab[]; removeLabs?: Lab[]; waiting?: Waiting[]; leave?: Pick<Waiting, 'sessionId' | 'userId'>[] }): Promise<void> {
      const ops: Op[] = [];
      for (const l of w.labs ?? []) ops.push({ c: 'labs', k: key(l.sessionId, l.id), v: l });
      for (const l of w.removeLabs ?? []) ops.push({ c: 'labs', k: key(l.sessionId, l.id), v: null });
      for (const x of w.waiting ?? []) ops.push({ c: 'labWaitlist', k: key(x.sessionId, x.userId), v: x });
      for (const x of w.leave ?? []) ops.push({ c: 'labWaitlist', k: key(x.sessionId, x.userId), v: null });
      return store.commit(ops);
    },
  };
}

export type LabsRepository = ReturnType<typeof createLabsRepository>;
