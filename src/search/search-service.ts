import { timeSlices } from '../lib/time-slices.ts';
import type { Content } from '../content/content-loader.ts';
import { extractLogFeatures, type LogFeatures } from './log-features.ts';
import { highlighter } from './highlight.ts';
import { matchesFilters, SearchIndex, termsOf, type DocKind, type Hit, type SearchDoc, type SearchFilters } from './search-index.ts';
import { contentDocs, entryDoc, type IndexableEntry } from './search-docs.ts';
import { EvidenceIndex, type Evidence } from './evidence.ts';
import type { MissRecorder } from './search-misses.ts';

/** Entries indexed between two turns of the event loop while the FAQ loads (about 20 ms of work). */
const QUERY_MAX_TYPED = 500;

export type { SearchFilters, DocKind } from './search-index.ts';

/**
 * `match`: evidence that the entry is about this very failure (its signature, its alarm, its error text).
 * `related`: the words agree well enough to be worth a look, nothing more.
 */
export type Tier = 'match' | 'related';

export interface SearchResult {
  kind: DocKind;
  ref: string;
  url: string;
  title: string;
  /** Escaped, with matched words in <mark>. */
  titleHtml: string;
  snippetHtml: string;
  tier: Tier;
  /** Matched one of the entry's error signatures (or its exact error text). */
  exact: boolean;
  /** Why it matched, for people: "its error signature", "alarm 200.001", "words: osd, ceph". */
  reasons: string[];
  score: number;
  phase?: string;
  deployment?: string[];
}

export interface SearchOutcome {
  mode: 'text' | 'log';
  results: SearchResult[];
  features?: LogFeatures;
}

export interface SearchOptions {
  limit?: number;
  kinds?: DocKind[];
  /** Count a query that found nothing as a content gap, for this person (`u:<id>` or `a:<address>`). */
  recordMiss?: string;
}

/** Evidence thresholds, tuned on the tuning part of eval/search (npm run search:eval). */
export const RANKING = {
  /** How telling (summed word rarity) a signature's match must be to make an entry a match. */
  signatureInfo: 2.5,
  /** Share of an entry's error-text fingerprints a paste must hold to count as that error... */
  containsError: 0.5,
  /** ...and how telling those shared fingerprints must be. */
  containmentInfo: 6,
  /** Share of a typed query's words an entry must match to be shown at all. */
  typedCoverage: 0.5,
  /** For a log without strong evidence: matched rare words needed, and their share of the rare words asked. */
  logRareTerms: 5,
  logCoverage: 0.7,
};

/**
 * One search over FAQ entries (approved only), workshops, steps and guides. A paste is read as a log
 * (log-features.ts); FAQ entries are ranked first by strong evidence (evidence.ts: their signatures, the
 * alarms they are about, the fingerprints of their error text), then by how well their words match. An
 * entry with strong evidence is a match; one whose words agree well enough is related; the rest are not
 * shown, so a paste from other software gets "no match" rather than noise.
 */
export function createSearchService(deps: {
  content: { current: Content };
  misses?: MissRecorder;
  log?: (m: string) => void;
  /** Told of every search: typed or a log, and whether anything was found (for the metrics). */
  observe?: (mode: 'text' | 'log', found: boolean) => void;
}) {
  const index = new SearchIndex();
  const evidence = new EvidenceIndex();
  let indexedContent: Content | undefined;
  let loading: Promise<void> = Promise.resolve();
  let loaded = true;

  function syncContent(): void {
    const current = deps.content.current;
    if (current === indexedContent) return;
    index.removeWhere((d) => d.kind !== 'faq');
    for (const d of contentDocs(current)) index.upsert(d);
    indexedContent = current;
  }

  function upsertEntry(entry: IndexableEntry): void {
    const doc = entryDoc(entry);
    index.upsert(doc);
    evidence.upsert({ ...entry, body: doc.body });
  }

  function removeEntry(id: string): void {
    index.remove(`faq:${id}`);
    evidence.remove(id);
  }

  function reasonsOf(ev: Evidence | undefined, hit: Hit | undefined): string[] {
    const out: string[] = [];
    if (ev?.signatures) out.push('its error signature');
    if (ev?.alarm) out.push(`alarm ${ev.alarm}`);
    else if (ev?.alarmMention) out.push(`mentions alarm ${ev.alarmMention}`);
    if (ev && ev.containment >= RANKING.containsError && !ev.signatures) out.push(`${Math.round(ev.containment * 100)}% of its error text`);
    if (hit?.queryTerms.length) out.push(`words: ${[...new Set(hit.queryTerms)].slice(0, 6).join(', ')}`);
    return out;
  }

  /** Evidence that the entry is about this very failure, not only about its kind of output. */
  function isSpecific(e: Evidence): boolean {
    return (e.signatures > 0 && e.signatureInfo >= RANKING.signatureInfo) || !!e.alarm || (e.containment >= RANKING.containsError && e.containmentInfo >= RANKING.containmentInfo);
  }

  /** How much of what the query asks the document's words answer (0–1). */
  function coverage(hit: Hit, asked: Set<string>): number {
    if (asked.size === 0) return 0;
    return Math.min(1, new Set(hit.queryTerms).size / asked.size);
  }

  function run(q: string, filters: SearchFilters, opts: SearchOptions): SearchOutcome {
    syncContent();
    const limit = opts.limit ?? 20;
    const features = extractLogFeatures(q);
    const mode = features.isLog ? 'log' : 'text';
    const wantFaq = !opts.kinds || opts.kinds.includes('faq');
    const allowed = (id: string) => {
      const doc = index.get(`faq:${id}`);
      return !!doc && matchesFilters(doc, filters);
    };
    const ev = wantFaq ? evidence.collect(q, features, allowed) : new Map<string, Evidence>();

    const rare = mode === 'log' ? index.selective(features.terms.join(' ')) : [];
    const query = mode === 'log' ? rare.join(' ') : q.slice(0, QUERY_MAX_TYPED);
    const asked = new Set(mode === 'log' ? rare : termsOf(query).filter((t) => t.length >= 2));
    const hits: Hit[] = query.trim() ? index.search(query, filters, { exact: mode === 'log', kinds: opts.kinds, limit: 60 }) : [];
    const best = hits[0]?.score ?? 1;
    const byRef = new Map<string, { doc: SearchDoc; hit?: Hit; ev?: Evidence }>();
    for (const h of hits) byRef.set(h.doc.id, { doc: h.doc, hit: h });
    for (const [id, e] of ev) {
      const doc = index.get(`faq:${id}`);
      if (doc) byRef.set(doc.id, { ...(byRef.get(doc.id) ?? { doc }), ev: e });
    }

    const ranked: { doc: SearchDoc; tier: Tier; score: number; ev?: Evidence; hit?: Hit; framingOnly?: boolean }[] = [];
    for (const { doc, hit, ev: e } of byRef.values()) {
      const strong = !!e && isSpecific(e);
      const text = hit ? hit.score / best : 0;
      const cov = hit ? coverage(hit, asked) : 0;
      // An entry about the failure's frame itself (its whole error text is "fatal: [localhost]: FAILED!")
      // answers a paste that shows nothing more specific; below, it gives way when something does.
      const framingOnly = !!e && !strong && e.signatures > 0 && e.containment >= 0.99;
      let tier: Tier | undefined;
      if (strong || framingOnly) tier = 'match';
      else if (hit && mode === 'text' && cov >= RANKING.typedCoverage) tier = 'related';
      else if (hit && mode === 'log' && new Set(hit.queryTerms).size >= RANKING.logRareTerms && cov >= RANKING.logCoverage) tier = 'related';
      if (!tier) continue;
      const told = e ? Math.max(e.signatureInfo, e.containmentInfo * e.containment) : 0;
      const score = (strong ? 1000 : 0) + told * 40 + (e?.alarm ? 600 : 0) + (e?.alarmMention ? 150 : 0) + text * 100 + cov * 50;
      ranked.push({ doc, tier, score, ev: e, hit, framingOnly });
    }
    // The most specific explanation wins: an entry whose error text another matching entry's contains
    // and extends ranks below that one.
    // (Only when the paste supports the longer text better: a near-copy with extra words the paste
    // does not hold is no better an explanation.)
    const strongEv = new Map(ranked.filter((r) => r.tier === 'match' && r.ev).map((r) => [r.doc.ref, r.ev!]));
    const told = (e: Evidence) => Math.max(e.signatureInfo, e.containmentInfo);
    for (const r of ranked) {
      if (r.doc.kind !== 'faq' || !r.ev) continue;
      const mine = told(r.ev);
      if ([...evidence.subsumedBy(r.doc.ref)].some((id) => strongEv.has(id) && told(strongEv.get(id)!) > mine)) r.score -= 500;
    }
    ranked.sort((a, b) => b.score - a.score);
    // Something specific matched: the entries about the failure's frame only are not the answer.
    if (ranked.some((r) => r.ev && isSpecific(r.ev))) {
      for (let i = ranked.length - 1; i >= 0; i--) if (ranked[i]!.framingOnly) ranked.splice(i, 1);
    }

    const mark = highlighter([...new Set([...hits.slice(0, limit).flatMap((h) => h.terms), ...(mode === 'log' ? features.terms : [])])]);
    const results = ranked.slice(0, limit).map(({ doc, tier, score, ev: e, hit }): SearchResult => {
      const inError = !!doc.errorText && (mode === 'log' || (hit?.terms ?? []).some((t) => doc.errorText.toLowerCase().includes(t)));
      return {
        kind: doc.kind,
        ref: doc.ref,
        url: doc.url,
        title: doc.title,
        titleHtml: mark.highlight(doc.title),
        snippetHtml: mark.snippet(inError ? doc.errorText : doc.body || doc.errorText),
        tier,
        exact: (e?.signatures ?? 0) > 0,
        reasons: reasonsOf(e, hit),
        score: Math.round(score * 100) / 100,
        phase: doc.phase,
        deployment: doc.deployment,
      };
    });
    deps.observe?.(mode, results.length > 0);
    if (opts.recordMiss && results.length === 0 && deps.misses) {
      deps.misses.record(mode === 'log' ? (features.errorLines[0] ?? features.terms.join(' ')) : q, opts.recordMiss);
    }
    return { mode, results, features: mode === 'log' ? features : undefined };
  }

  return {
    get size() {
      return index.size;
    },
    /** Replaces every FAQ document at once. */
    setEntries(entries: Iterable<IndexableEntry>): void {
      for (const d of [...index.ofKind('faq')]) removeEntry(d.ref);
      for (const e of entries) upsertEntry(e);
    },
    /**
     * Indexes the FAQ at start-up in slices, yielding between them, so the server answers pages while
     * a large FAQ is indexed. Each entry is read again when its turn comes (`current` gives it while it
     * is approved), so an approval, edit or retirement made meanwhile is not undone by an older copy.
     * Searches wait for `whenLoaded()`.
     */
    loadEntries(ids: string[], current: (id: string) => IndexableEntry | undefined): Promise<void> {
      for (const d of [...index.ofKind('faq')]) removeEntry(d.ref);
      loaded = false;
      loading = (async () => {
        try {
          const slices = timeSlices();
          for (const id of ids) {
            const entry = current(id);
            if (entry) upsertEntry(entry);
            await slices.turn();
          }
        } finally {
          loaded = true;
        }
      })();
      return loading;
    },
    /** Whether the start-up indexing is done; until then `whenLoaded()` is pending. */
    get loaded() {
      return loaded;
    },
    whenLoaded: () => loading,
    /** Keeps the index in step with an entry: present while approved, gone otherwise. */
    syncEntry(entry: IndexableEntry, approved: boolean): void {
      if (approved) upsertEntry(entry);
      else removeEntry(entry.id);
    },
    search: (q: string, filters: SearchFilters = {}, opts: SearchOptions = {}) => run(q, filters, opts),
    /** FAQ entries that answer a pasted error or log, best first: matches, then related ones. */
    matchLog(text: string, limit = 5, filters: SearchFilters = {}): SearchResult[] {
      return run(text, filters, { limit, kinds: ['faq'] }).results;
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
