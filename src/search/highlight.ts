/**
 * Snippets with the matched words marked. The text is cut into pieces first and every piece is escaped
 * on its own, so a <mark> is the only markup that can ever reach the page. Whole terms only: a short
 * term never lights up the middle of a longer word.
 */
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Highlighter {
  /** The whole text, escaped, with every occurrence of a term wrapped in <mark>. */
  highlight(text: string): string;
  /** About `width` characters around the first match (or the start), escaped and marked. */
  snippet(text: string, width?: number): string;
}

/** Compiles the terms of one search once; its results are all marked with it. */
export function highlighter(terms: string[]): Highlighter {
  const words = [...new Set(terms.map((t) => t.trim().toLowerCase()).filter((t) => t.length >= 2))]
    .sort((a, b) => b.length - a.length)
    .slice(0, 40)
    .map(escapeRe);
  // ASCII word boundaries: search terms are words of logs and titles, and a non-Unicode pattern scans
  // several times faster than one with \p{L} look-arounds.
  const re = words.length ? new RegExp(`(?<![A-Za-z0-9_])(${words.join('|')})(?![A-Za-z0-9_])`, 'gi') : undefined;
  const highlight = (text: string) =>
    re
      ? text
          .split(re)
          .map((part, i) => (i % 2 === 1 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part)))
          .join('')
      : escapeHtml(text);
  return {
    highlight,
    snippet(text, width = 220) {
      // A snippet comes from the start of a text: the first 8 KB are plenty to find a term in.
      const flat = text.slice(0, 8192).replace(/\s+/g, ' ').trim();
      let at = -1;
      if (re) {
        re.lastIndex = 0;
        at = flat.search(re);
      }
      let start = Math.max(0, at - Math.floor(width / 3));
      if (start > 0) {
        const space = flat.indexOf(' ', start);
        start = space > 0 && space < at ? space + 1 : start;
      }
      const end = Math.min(flat.length, start + width);
      return `${start > 0 ? '… ' : ''}${highlight(flat.slice(start, end))}${end < flat.length ? ' …' : ''}`;
    },
  };
}

/** One-off helpers (tests, single texts). */
export const highlight = (text: string, terms: string[]) => highlighter(terms).highlight(text);
export const snippet = (text: string, terms: string[], width = 220) => highlighter(terms).snippet(text, width);
