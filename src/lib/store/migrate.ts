import type { Op, Store } from './store.ts';

/** One step of the data's shape: `run` returns the ops that bring a store from `version - 1` to `version`. */
export interface Migration {
  version: number;
  name: string;
  run(store: Store): Op[] | Promise<Op[]>;
}

/** Data written by a newer Onramp: starting on it could lose what the newer code stored. */
export class StoreTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `The data was written by a newer Onramp (data schema ${found}; this version knows up to ${known}). ` +
        'Onramp will not start on it and has not changed it: run the newer version, or restore a backup made by this one.',
    );
    this.name = 'StoreTooNewError';
  }
}

const SCHEMA_KEY = 'schema';

export const schemaVersion = (store: Store) => store.get<{ version: number }>('meta', SCHEMA_KEY)?.version ?? 0;

/**
 * Brings the store's data to the code's schema at start-up: each pending migration's changes and the
 * new version are committed in one batch, so a crash leaves the data at one version or the next. A
 * store that has never held data starts at the newest version; one that is newer than the code refuses.
 */
export async function migrate(store: Store, migrations: readonly Migration[], log: (m: string) => void): Promise<number> {
  const latest = migrations.reduce((n, m) => Math.max(n, m.version), 0);
  const current = schemaVersion(store);
  if (current > latest) throw new StoreTooNewError(current, latest);
  const stamp = (version: number): Op => ({ c: 'meta', k: SCHEMA_KEY, v: { version, at: new Date().toISOString() } });
  if (current === 0 && store.count('users') === 0 && store.count('faq') === 0 && store.count('liveSessions') === 0) {
    await store.commit([stamp(latest)]);
    return latest;
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    const ops = await m.run(store);
    await store.commit([...ops, stamp(m.version)]);
    log(`store: data migrated to schema ${m.version} (${m.name}, ${ops.length} records changed)`);
  }
  return latest;
}
