/**
 * Snippets with the matched words marked. The text is cut into pieces first and every piece is escaped
 * on its own, so a <mark> is the only markup that can ever reach the page.
 */
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function termPattern(terms: string[]): RegExp | undefined {
  const words = [...new Set(terms.map((t) => t.trim()).filter((t) => t.length >= 2))]
    .sort((a, b) => b.length - a.length)
    .slice(0, 40)
    .map(escapeRe);
  // Whole words only: a short term must not light up the middle of a longer word.
  return words.length ? new RegExp(`(?<![\\p{L}\\p{N}])(${words.join('|')})(?![\\p{L}\\p{N}])`, 'giu') : undefined;
}

/** The whole text, escaped, with every occurrence of a term wrapped in <mark>. */
export function highlight(text: string, terms: string[]): string {
  const re = termPattern(terms);
  if (!re) return escapeHtml(text);
  return text
    .split(re)
    .map((part, i) => (i % 2 === 1 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part)))
    .join('');
}

/** About `width` characters around the first match (or the start), escaped and marked. */
export function snippet(text: string, terms: string[], width = 220): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const re = termPattern(terms);
  const at = re ? flat.search(re) : -1;
  let start = Math.max(0, at - Math.floor(width / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space > 0 && space < at ? space + 1 : start;
  }
  const end = Math.min(flat.length, start + width);
  const piece = flat.slice(start, end);
  return `${start > 0 ? '… ' : ''}${highlight(piece, terms)}${end < flat.length ? ' …' : ''}`;
}
