import MiniSearch from 'minisearch';
import type { FaqSeed } from '../../content/faq-seed.ts';

/**
 * The baseline the evaluation compares with: plain full-text search as a docs site would run it
 * (MiniSearch, typo-tolerant and prefix matching, title and error text boosted), with no notion of logs.
 */
export function plainEngine(entries: FaqSeed[]) {
  const ms = new MiniSearch<{ id: string; title: string; errorText: string; tags: string; body: string }>({
    fields: ['title', 'errorText', 'tags', 'body'],
    storeFields: [],
  });
  ms.addAll(entries.map((e) => ({ id: e.id, title: e.title, errorText: e.errorText, tags: e.tags.join(' '), body: `${e.cause} ${e.fix}` })));
  return (q: string, limit = 10): string[] =>
    ms.search(q, { boost: { title: 3, errorText: 3 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' }).slice(0, limit).map((r) => String(r.id));
}
