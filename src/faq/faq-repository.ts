import type { Store } from '../lib/store/store-api.ts';
import { summarize, type EntrySummary, type FaqEntry, type FaqVote } from './faq-types.ts';

export interface VoteCount {
  helpful: number;
  notHelpful: number;
}

const SEED_MARKER = 'seed:faq';
const voteKey = (entryId: string, userId: string) => `${entryId}~${userId}`;

/**
 * FAQ entries (key: the entry id, a validated slug) and votes (key: entry~user, so one per person).
 * The store keeps records as JSON text, so reading one parses it: lists work from summaries held in
 * memory (built once, updated with every write), and whole entries are read one at a time.
 * Vote counts are tallied once from the votes and kept in step with every vote after that.
 */
export function createFaqRepository(store: Store) {
  let tally: Map<string, VoteCount> | undefined;
  /** Bumped on every entry write, so readers can cache what they derive from the entries. */
  let version = 0;
  let summaries: Map<string, EntrySummary> | undefined;
  const remoteListeners: ((ids: string[] | 'all') => void)[] = [];

  // Entries and votes written by other instances (PostgreSQL): the summaries and counts follow, and
  // whoever derives more (the search index) is told which entries changed.
  store.onChange(['faq', 'faqVotes'], (changes) => {
    const entries: string[] = [];
    for (const ch of changes) {
      if (!ch.remote) continue;
      if (ch.c === 'faqVotes') {
        if (!tally) continue;
        if (ch.prev) bump(tally, ch.prev as FaqVote, -1);
        if (ch.v) bump(tally, ch.v as FaqVote, 1);
        continue;
      }
      entries.push(ch.k);
      if (summaries) {
        if (ch.v) summaries.set(ch.k, summarize(ch.v as FaqEntry));
        else summaries.delete(ch.k);
      }
    }
    if (!entries.length) return;
    version += 1;
    for (const l of remoteListeners) l(entries);
  });
  store.onReset(() => {
    tally = undefined;
    summaries = undefined;
    version += 1;
    for (const l of remoteListeners) l('all');
  });

  function index(): Map<string, EntrySummary> {
    if (!summaries) {
      summaries = new Map();
      for (const e of store.values<FaqEntry>('faq')) summaries.set(e.id, summarize(e));
    }
    return summaries;
  }

  async function commitEntries(entries: FaqEntry[], extra: { c: string; k: string; v: unknown }[] = []): Promise<void> {
    const map = index();
    version += 1;
    for (const e of entries) map.set(e.id, summarize(e));
    try {
      await store.commit([...entries.map((e) => ({ c: 'faq', k: e.id, v: e })), ...extra]);
    } catch (err) {
      // Back to what is stored now (which another instance may have changed meanwhile).
      for (const e of entries) {
        const kept = store.peek<FaqEntry>('faq', e.id);
        if (kept) map.set(e.id, summarize(kept as FaqEntry));
        else map.delete(e.id);
      }
      version += 1;
      throw err;
    }
  }

  function counts(): Map<string, VoteCount> {
    if (tally) return tally;
    tally = new Map();
    for (const v of store.values<FaqVote>('faqVotes')) bump(tally, v, 1);
    return tally;
  }

  function bump(map: Map<string, VoteCount>, v: FaqVote, by: 1 | -1): void {
    const c = map.get(v.entryId) ?? { helpful: 0, notHelpful: 0 };
    if (v.helpful) c.helpful += by;
    else c.notHelpful += by;
    map.set(v.entryId, c);
  }

  return {
    /** Told which entries another instance changed ('all' after a reload), to keep derived state in step. */
    onRemoteChange: (listener: (ids: string[] | 'all') => void) => void remoteListeners.push(listener),
    get: (id: string) => store.get<FaqEntry>('faq', id),
    has: (id: string) => index().has(id),
    summary: (id: string): EntrySummary | undefined => index().get(id),
    /** Every entry, parsed: for start-up and the export, not for requests. */
    all(): FaqEntry[] {
      const entries = [...store.values<FaqEntry>('faq')];
      summaries ??= new Map(entries.map((e) => [e.id, summarize(e)]));
      return entries;
    },
    summaries: (): EntrySummary[] => [...index().values()],
    count: () => store.count('faq'),
    get version() {
      return version;
    },
    save: (entry: FaqEntry) => commitEntries([entry]),
    saveMany: (entries: FaqEntry[]) => commitEntries(entries),
    byImportKey(key: string): EntrySummary | undefined {
      for (const e of index().values()) if (e.importKey === key) return e;
      return undefined;
    },

    voteOf: (entryId: string, userId: string) => store.get<FaqVote>('faqVotes', voteKey(entryId, userId)),
    /** Every reader's answer on one entry (through the votes' entry group, without a scan). */
    votesOn: (entryId: string): FaqVote[] =>
      store.keysOf('faqVotes', 'entry', entryId).flatMap((k) => store.get<FaqVote>('faqVotes', k) ?? []),
    votes: (entryId: string): VoteCount => ({ ...(counts().get(entryId) ?? { helpful: 0, notHelpful: 0 }) }),
    allVotes: (): ReadonlyMap<string, VoteCount> => counts(),
    async vote(v: FaqVote): Promise<void> {
      const prev = store.get<FaqVote>('faqVotes', voteKey(v.entryId, v.userId));
      const map = counts();
      try {
        await store.commit([{ c: 'faqVotes', k: voteKey(v.entryId, v.userId), v }]);
      } catch (err) {
        tally = undefined;
        throw err;
      }
      // A tally rebuilt meanwhile was read from the store and already holds this vote.
      if (tally !== map) return;
      if (prev) bump(map, prev, -1);
      bump(map, v, 1);
    },

    /** Start-up data work that must run on one instance at a time (several start together on PostgreSQL). */
    exclusively: <T>(fn: () => Promise<T>) => store.exclusive('faq-data', fn),
    isSeeded: () => store.get('meta', SEED_MARKER) !== undefined,
    /** A one-time data task of the FAQ (its marker says it ran). */
    hasRun: (task: string) => store.get('meta', `faq:${task}`) !== undefined,
    /** Entries changed by a one-time task and its marker, in one batch. */
    saveRun: (task: string, entries: FaqEntry[]) => commitEntries(entries, [{ c: 'meta', k: `faq:${task}`, v: { at: new Date().toISOString(), count: entries.length } }]),
    /** The seed entries and the marker in one batch: a crash cannot leave half a seed behind. */
    seed: (entries: FaqEntry[]) => commitEntries(entries, [{ c: 'meta', k: SEED_MARKER, v: { at: new Date().toISOString(), count: entries.length } }]),
  };
}

export type FaqRepository = ReturnType<typeof createFaqRepository>;
