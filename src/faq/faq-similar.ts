import type { SearchService } from '../search/search-service.ts';

/**
 * Entries that may already say what a contributor is writing: the error text read as a paste, the title as
 * typed words. The contribute form (server-rendered) and its live suggestions (/api/faq/similar) share it.
 */
export function similarEntries(search: SearchService, title: string, errorText: string, except?: string, limit = 5): { id: string; title: string }[] {
  const byError = errorText.trim() ? search.matchLog(errorText, limit + 1) : [];
  const byTitle = title.trim().length >= 4 ? search.search(title, {}, { kinds: ['faq'], limit: limit + 1 }).results : [];
  const seen = new Set<string>();
  return [...byError, ...byTitle]
    .filter((m) => m.ref !== except && !seen.has(m.ref) && seen.add(m.ref))
    .slice(0, limit)
    .map((m) => ({ id: m.ref, title: m.title }));
}
