import type { Content } from '../content/content-loader.ts';
import { extractLogFeatures, type LogFeatures } from './log-features.ts';
import { indexText, signatureMatches } from './signature.ts';
import { highlight, snippet } from './highlight.ts';
import { matchesFilters, SearchIndex, type DocKind, type Hit, type SearchDoc, type SearchFilters } from './search-index.ts';
import { contentDocs, entryDoc, type IndexableEntry } from './search-docs.ts';
import type { MissRecorder } from './search-misses.ts';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** Entries indexed between two turns of the event loop while the FAQ loads (about 20 ms of work). */
const LOAD_SLICE = 100;

export type { SearchFilters, DocKind } from './search-index.ts';

export interface SearchResult {
  kind: DocKind;
  ref: string;
  url: string;
  title: string;
  /** Escaped, with matched words in <mark>. */
  titleHtml: string;
  snippetHtml: string;
  /** Matched one of the entry's error signatures (or its exact error text). */
  exact: boolean;
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

const QUERY_MAX_TYPED = 500;

/**
 * One search over FAQ entries (approved only), workshops, steps and guides. A paste is read as a log:
 * entries whose signatures match come first, then full-text matches on the words that identify the failure.
 */
export function createSearchService(deps: { content: { current: Content }; misses?: MissRecorder; log?: (m: string) => void }) {
  const index = new SearchIndex();
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

  function toResult(doc: SearchDoc, score: number, terms: string[], exact: boolean): SearchResult {
    const inError = doc.errorText && terms.some((t) => doc.errorText.toLowerCase().includes(t.toLowerCase()));
    return {
      kind: doc.kind,
      ref: doc.ref,
      url: doc.url,
      title: doc.title,
      titleHtml: highlight(doc.title, terms),
      snippetHtml: snippet(inError ? doc.errorText : doc.body || doc.errorText, terms),
      exact,
      score: Math.round(score * 100) / 100,
      phase: doc.phase,
      deployment: doc.deployment,
    };
  }

  /** Entries whose signatures match the text, with how many of their signatures did. */
  function exactMatches(text: string, filters: SearchFilters): Map<string, number> {
    const t = indexText(text);
    const out = new Map<string, number>();
    for (const doc of index.ofKind('faq')) {
      if (doc.signatures.length === 0 || !matchesFilters(doc, filters)) continue;
      let n = 0;
      for (const s of doc.signatures) if (signatureMatches(s, t)) n++;
      if (n > 0) out.set(doc.id, n);
    }
    return out;
  }

  function run(q: string, filters: SearchFilters, opts: SearchOptions): SearchOutcome {
    syncContent();
    const limit = opts.limit ?? 20;
    const features = extractLogFeatures(q);
    const mode = features.isLog ? 'log' : 'text';
    const exact = opts.kinds && !opts.kinds.includes('faq') ? new Map<string, number>() : exactMatches(features.text, filters);
    const query = mode === 'log' ? index.selective(features.terms.join(' ')).join(' ') : q.slice(0, QUERY_MAX_TYPED);
    const hits: Hit[] = query.trim() ? index.search(query, filters, { exact: mode === 'log', kinds: opts.kinds, limit: limit + exact.size }) : [];
    const weight = (h: Hit) => h.score * (mode === 'log' && h.doc.kind === 'faq' ? 2 : 1);
    const scoreOf = new Map(hits.map((h) => [h.doc.id, h]));
    const exactDocs = [...exact.entries()]
      .sort((a, b) => b[1] - a[1] || (scoreOf.get(b[0])?.score ?? 0) - (scoreOf.get(a[0])?.score ?? 0))
      .map(([id]) => index.get(id)!);
    const highlightTerms = (h?: Hit) => [...(h?.terms ?? []), ...(mode === 'log' ? features.terms : [])];
    const results = [
      ...exactDocs.map((d) => toResult(d, 1000 + (scoreOf.get(d.id)?.score ?? 0), highlightTerms(scoreOf.get(d.id)), true)),
      ...hits
        .filter((h) => !exact.has(h.doc.id))
        .sort((a, b) => weight(b) - weight(a))
        .map((h) => toResult(h.doc, weight(h), highlightTerms(h), false)),
    ].slice(0, limit);
    if (opts.recordMiss && results.length === 0 && deps.misses) {
      const label = mode === 'log' ? (features.errorLines[0] ?? features.terms.join(' ')) : q;
      deps.misses.record(label, opts.recordMiss);
    }
    return { mode, results, features: mode === 'log' ? features : undefined };
  }

  return {
    get size() {
      return index.size;
    },
    /** Replaces every FAQ document at once. */
    setEntries(entries: Iterable<IndexableEntry>): void {
      index.removeWhere((d) => d.kind === 'faq');
      for (const e of entries) index.upsert(entryDoc(e));
    },
    /**
     * Indexes the FAQ at start-up in slices, yielding between them, so the server answers pages while
     * a large FAQ is indexed (2,000 entries take about half a second). Each entry is read again when
     * its turn comes (`current` gives it while it is approved), so an approval, edit or retirement
     * made meanwhile is not undone by an older copy. Searches wait for `whenLoaded()`.
     */
    loadEntries(ids: string[], current: (id: string) => IndexableEntry | undefined): Promise<void> {
      index.removeWhere((d) => d.kind === 'faq');
      loaded = false;
      loading = (async () => {
        try {
          for (let i = 0; i < ids.length; i += LOAD_SLICE) {
            for (const id of ids.slice(i, i + LOAD_SLICE)) {
              const entry = current(id);
              if (entry) index.upsert(entryDoc(entry));
            }
            await yieldToLoop();
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
      if (approved) index.upsert(entryDoc(entry));
      else index.remove(`faq:${entry.id}`);
    },
    search: (q: string, filters: SearchFilters = {}, opts: SearchOptions = {}) => run(q, filters, opts),
    /** FAQ entries that best match a pasted error or log, best first. */
    matchLog(text: string, limit = 5, filters: SearchFilters = {}): SearchResult[] {
      return run(text, filters, { limit, kinds: ['faq'] }).results;
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
