import MiniSearch, { type SearchResult as MsResult } from 'minisearch';
import { releaseMatches } from './release.ts';

export type DocKind = 'faq' | 'workshop' | 'step' | 'guide';

export interface SearchDoc {
  /** `${kind}:${ref}`, unique in the index. */
  id: string;
  kind: DocKind;
  /** Entry id, workshop slug, `workshop/step` or guide slug. */
  ref: string;
  url: string;
  title: string;
  errorText: string;
  tags: string;
  /** Plain text (no markup). */
  body: string;
  deployment?: string[];
  phase?: string;
  releases?: string;
}

export interface SearchFilters {
  deployment?: string;
  phase?: string;
  release?: string;
}

export interface Hit {
  doc: SearchDoc;
  score: number;
  /** The document's terms that matched. */
  terms: string[];
  /** The query's terms that matched (after typo tolerance and prefixes). */
  queryTerms: string[];
}

const FUZZY_MAX_TERMS = 8;
const SPLIT = /[\n\r\p{Z}\p{P}]+/u;
const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'it', 'be', 'as', 'at', 'by', 'with', 'this', 'that']);

/** The default split, plus alarm ids kept whole ("200.001") so that they match as one term. */
function tokenize(text: string): string[] {
  const parts = text.split(SPLIT);
  const alarms = text.match(/\b\d{3}\.\d{3}\b/g);
  return alarms ? parts.concat(alarms) : parts;
}

function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  return t.length === 0 || STOP.has(t) ? null : t;
}

export const termsOf = (text: string) => tokenize(text).map(processTerm).filter((t): t is string => t !== null);

export function matchesFilters(doc: SearchDoc, f: SearchFilters): boolean {
  if (f.deployment && !(doc.deployment && (doc.deployment.includes('any') || doc.deployment.includes(f.deployment)))) return false;
  if (f.phase && doc.phase !== f.phase) return false;
  if (f.release && !(doc.releases && releaseMatches(doc.releases, f.release))) return false;
  return true;
}

/** One MiniSearch index over FAQ entries, workshops, steps and guides. */
export class SearchIndex {
  private readonly docs = new Map<string, SearchDoc>();
  /** In how many documents each term occurs, to drop words too common to tell entries apart. */
  private readonly df = new Map<string, number>();
  private readonly ms = new MiniSearch<SearchDoc>({
    fields: ['title', 'errorText', 'tags', 'body'],
    storeFields: [],
    tokenize,
    processTerm,
  });

  get size(): number {
    return this.docs.size;
  }

  get(id: string): SearchDoc | undefined {
    return this.docs.get(id);
  }

  *ofKind(kind: DocKind): IterableIterator<SearchDoc> {
    for (const d of this.docs.values()) if (d.kind === kind) yield d;
  }

  private countTerms(doc: SearchDoc, by: 1 | -1): void {
    const terms = new Set(termsOf(`${doc.title} ${doc.errorText} ${doc.tags} ${doc.body}`));
    for (const t of terms) {
      const n = (this.df.get(t) ?? 0) + by;
      if (n > 0) this.df.set(t, n);
      else this.df.delete(t);
    }
  }

  upsert(doc: SearchDoc): void {
    this.remove(doc.id);
    this.docs.set(doc.id, doc);
    this.ms.add(doc);
    this.countTerms(doc, 1);
  }

  remove(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    this.ms.discard(id);
    this.docs.delete(id);
    this.countTerms(old, -1);
  }

  /**
   * The terms of a query that tell documents apart: those found in at most `share` of the documents,
   * topped up with the rarest others so that at least `keep` remain. A long log query stays fast and
   * is not ranked by words that every entry has ("controller", "host").
   */
  selective(query: string, share = 0.12, keep = 4): string[] {
    const max = Math.max(2, this.docs.size * share);
    const terms = [...new Set(termsOf(query))].filter((t) => this.df.has(t));
    const rare = terms.filter((t) => this.df.get(t)! <= max);
    if (rare.length >= keep) return rare;
    const rest = terms.filter((t) => !rare.includes(t)).sort((a, b) => this.df.get(a)! - this.df.get(b)!);
    return [...rare, ...rest.slice(0, keep - rare.length)];
  }

  removeWhere(pred: (d: SearchDoc) => boolean): void {
    for (const d of [...this.docs.values()]) if (pred(d)) this.remove(d.id);
  }

  /**
   * Typed queries are typo-tolerant and match prefixes; a log's extracted terms are matched exactly
   * (they were copied, not typed), which also keeps a long term list fast.
   */
  search(query: string, filters: SearchFilters, opts: { exact?: boolean; kinds?: DocKind[]; limit?: number } = {}): Hit[] {
    const kinds = opts.kinds;
    // Typo tolerance is for a few typed words; a long line of words was copied, and fuzzy matching of
    // each of them would cost more than the rest of the search.
    const typedWords = !opts.exact && termsOf(query).length <= FUZZY_MAX_TERMS;
    const results: MsResult[] = this.ms.search(query, {
      boost: { title: 3, errorText: 3 },
      fuzzy: typedWords ? 0.2 : false,
      prefix: typedWords ? (term) => term.length >= 3 : false,
      combineWith: 'OR',
      filter: (r) => {
        const doc = this.docs.get(r.id as string);
        return !!doc && (!kinds || kinds.includes(doc.kind)) && matchesFilters(doc, filters);
      },
    });
    return results.slice(0, opts.limit ?? 20).map((r) => ({ doc: this.docs.get(r.id as string)!, score: r.score, terms: r.terms, queryTerms: r.queryTerms }));
  }
}
