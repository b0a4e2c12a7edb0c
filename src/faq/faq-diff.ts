import { diffLines, diffWords, type ChangeObject } from 'diff';
import { LRUCache } from 'lru-cache';
import { escapeHtml } from '../search/highlight.ts';
import type { EntryFields, FaqEntry } from './faq-types.ts';

export interface FieldDiff {
  label: string;
  /** Escaped text with <ins> and <del> around what changed. */
  html: string;
}

const FIELDS: [keyof EntryFields, string, 'words' | 'lines'][] = [
  ['title', 'Title', 'words'],
  ['errorText', 'Error text', 'lines'],
  ['deployment', 'Deployment', 'words'],
  ['phase', 'Phase', 'words'],
  ['releases', 'Releases', 'words'],
  ['cause', 'Cause', 'lines'],
  ['fix', 'Fix', 'lines'],
  ['sources', 'Sources', 'lines'],
  ['tags', 'Tags', 'words'],
  ['steps', 'Steps', 'lines'],
  ['signatures', 'Signatures', 'lines'],
];

const asText = (v: EntryFields[keyof EntryFields] | undefined) => (Array.isArray(v) ? v.join('\n') : (v ?? ''));

/**
 * A diff costs about (size × edits): two hostile 16 KB revisions (every line changed, thousands of
 * short lines) took 0.6 s a view. Past these bounds the fields are shown whole, old then new, which is
 * also what a reader wants when everything changed.
 */
export const DIFF_LIMITS = {
  /** Milliseconds for all the fields of one view together. */
  viewMs: 50,
  /** Changed lines (or words) beyond which a field is shown whole. */
  maxEdits: 200,
  /** Lines (or words) on both sides beyond which a field is shown whole without trying. */
  maxTokens: 4000,
} as const;

const whole = (before: string, after: string) => `<del>${escapeHtml(before)}</del><ins>${escapeHtml(after)}</ins>`;

function toHtml(parts: ChangeObject<string>[] | undefined, before: string, after: string): string {
  // The diff gives up (undefined) past its time or edit budget: show both versions whole instead.
  if (!parts) return whole(before, after);
  return parts.map((p) => (p.added ? `<ins>${escapeHtml(p.value)}</ins>` : p.removed ? `<del>${escapeHtml(p.value)}</del>` : escapeHtml(p.value))).join('');
}

const tokens = (s: string, by: 'words' | 'lines') => {
  let n = 1;
  const sep = by === 'lines' ? '\n' : ' ';
  for (let i = s.indexOf(sep); i !== -1 && n <= DIFF_LIMITS.maxTokens; i = s.indexOf(sep, i + 1)) n++;
  return n;
};

/** What changed between two revisions, field by field; unchanged fields are left out. Bounded by DIFF_LIMITS. */
export function diffRevisions(before: EntryFields | undefined, after: EntryFields): FieldDiff[] {
  const out: FieldDiff[] = [];
  const deadline = performance.now() + DIFF_LIMITS.viewMs;
  for (const [key, label, by] of FIELDS) {
    const a = asText(before?.[key]);
    const b = asText(after[key]);
    if (a === b) continue;
    const timeout = Math.floor(deadline - performance.now());
    if (timeout < 1 || tokens(a, by) + tokens(b, by) > DIFF_LIMITS.maxTokens) {
      out.push({ label, html: whole(a, b) });
      continue;
    }
    const options = { timeout, maxEditLength: DIFF_LIMITS.maxEdits };
    const parts = by === 'lines' ? diffLines(a, b, options) : diffWords(a, b, options);
    out.push({ label, html: toHtml(parts, a, b) });
  }
  return out;
}

/**
 * Diffs of revisions, cached: a revision never changes once written, so (entry id, revision index,
 * revision time) names its diff for good (an entry trimmed to its last revisions shifts the indexes,
 * and the time tells the shifted ones apart). Bounded by the size of the HTML it holds.
 */
export function createRevisionDiffs(options: { maxBytes?: number } = {}) {
  const cache = new LRUCache<string, FieldDiff[]>({
    maxSize: options.maxBytes ?? 8 * 1024 * 1024,
    sizeCalculation: (diffs) => Math.max(1, diffs.reduce((n, d) => n + d.html.length + d.label.length, 0)),
  });
  const stats = { hits: 0, misses: 0 };
  return {
    stats,
    /** The changes revision n made to the one before it (to nothing, for the first). */
    changes(entry: Pick<FaqEntry, 'id' | 'revisions'>, n: number): FieldDiff[] {
      const rev = entry.revisions[n];
      if (!rev) return [];
      const key = `${entry.id}\u0000${n}\u0000${rev.at}`;
      const cached = cache.get(key);
      if (cached) {
        stats.hits++;
        return cached;
      }
      stats.misses++;
      const diffs = diffRevisions(entry.revisions[n - 1]?.fields, rev.fields);
      cache.set(key, diffs);
      return diffs;
    },
  };
}

export type RevisionDiffs = ReturnType<typeof createRevisionDiffs>;
