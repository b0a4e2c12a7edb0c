import { diffLines, diffWords, type ChangeObject } from 'diff';
import { escapeHtml } from '../search/highlight.ts';
import type { EntryFields } from './faq-types.ts';

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

function toHtml(parts: ChangeObject<string>[] | undefined, before: string, after: string): string {
  // The diff gives up (undefined) past its time budget: show both versions whole instead.
  if (!parts) return `<del>${escapeHtml(before)}</del><ins>${escapeHtml(after)}</ins>`;
  return parts.map((p) => (p.added ? `<ins>${escapeHtml(p.value)}</ins>` : p.removed ? `<del>${escapeHtml(p.value)}</del>` : escapeHtml(p.value))).join('');
}

/** What changed between two revisions, field by field; unchanged fields are left out. */
export function diffRevisions(before: EntryFields | undefined, after: EntryFields): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [key, label, by] of FIELDS) {
    const a = asText(before?.[key]);
    const b = asText(after[key]);
    if (a === b) continue;
    const parts = by === 'lines' ? diffLines(a, b, { timeout: 200 }) : diffWords(a, b, { timeout: 200 });
    out.push({ label, html: toHtml(parts, a, b) });
  }
  return out;
}
