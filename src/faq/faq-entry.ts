import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { renderUser } from '../lib/markdown.ts';
import { MarkdownTooComplexError } from '../lib/markdown-limits.ts';
import { invalid } from '../lib/errors.ts';
import type { EntryFields, FaqEntry, FaqStatus } from './faq-types.ts';

const MAX_REVISIONS = 50;

/** A readable, URL-safe id from the title ("Bootstrap fails: DNS" -> "bootstrap-fails-dns"). */
export function slugify(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Long titles are cut at a word boundary.
  const cut = base.length <= 56 ? base : base.slice(0, 57).replace(/-[^-]*$/, '') || base.slice(0, 56);
  return cut || 'entry';
}

/**
 * Words the FAQ's own addresses use next to entry ids (/faq/new, /api/faq/similar, /review/import…): an entry
 * titled "New" or "Import" must not get an id its page could never be reached at.
 */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['new', 'mine', 'similar', 'search', 'preview', 'import', 'export', 'queue', 'feed', 'atom', 'rss']);

/** The first free id for a title; the caller saves before awaiting anything, so it stays free. */
export function uniqueId(title: string, taken: (id: string) => boolean): string {
  const isTaken = (id: string) => RESERVED_IDS.has(id) || taken(id);
  const base = slugify(title);
  if (!isTaken(base)) return base;
  for (let n = 2; ; n++) if (!isTaken(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Sanitized HTML of contributor Markdown; a text over the complexity limits, or that the parser cannot
 * handle, is a validation error of its field.
 */
export function renderMarkdown(md: string, field: 'cause' | 'fix' | 'comment'): string {
  try {
    return renderUser(md);
  } catch (err) {
    const message = err instanceof MarkdownTooComplexError ? err.message : 'This Markdown could not be read; simplify its nesting.';
    throw invalid('Some fields need attention.', { [field]: message });
  }
}

export interface Rendered {
  causeHtml: string;
  fixHtml: string;
}

/**
 * Renders cause and fix, yielding to the event loop in between: each is bounded by the complexity
 * limits (tens of milliseconds at worst), and other requests should not wait for both at once.
 */
export async function renderFields(fields: { cause: string; fix: string }, prev?: FaqEntry): Promise<Rendered> {
  const causeHtml = prev && prev.cause === fields.cause ? prev.causeHtml : fields.cause ? renderMarkdown(fields.cause, 'cause') : '';
  await yieldToLoop();
  const fixHtml = prev && prev.fix === fields.fix ? prev.fixHtml : fields.fix ? renderMarkdown(fields.fix, 'fix') : '';
  return { causeHtml, fixHtml };
}

export function pickFields(e: EntryFields): EntryFields {
  return {
    title: e.title,
    errorText: e.errorText,
    deployment: [...e.deployment],
    phase: e.phase,
    releases: e.releases,
    cause: e.cause,
    fix: e.fix,
    sources: [...e.sources],
    tags: [...e.tags],
    steps: [...e.steps],
    signatures: [...e.signatures],
  };
}

/** A copy of the entry with new fields, freshly rendered HTML and a revision recording the change. */
export function withRevision(entry: FaqEntry, fields: EntryFields, html: Rendered, by: string, note: string, status?: FaqStatus): FaqEntry {
  const at = new Date().toISOString();
  const revisions = [...entry.revisions, { at, by, note, fields: pickFields(fields) }];
  return {
    ...entry,
    ...pickFields(fields),
    causeHtml: html.causeHtml,
    fixHtml: html.fixHtml,
    revisions: revisions.length > MAX_REVISIONS ? [revisions[0]!, ...revisions.slice(-(MAX_REVISIONS - 1))] : revisions,
    status: status ?? entry.status,
    updatedAt: at,
  };
}

export function newEntry(id: string, fields: EntryFields, html: Rendered, opts: { authors: string[]; status: FaqStatus; note: string; origin?: string; importKey?: string; by?: string }): FaqEntry {
  const at = new Date().toISOString();
  return {
    id,
    ...pickFields(fields),
    causeHtml: html.causeHtml,
    fixHtml: html.fixHtml,
    authors: opts.authors,
    status: opts.status,
    revisions: [{ at, by: opts.by ?? opts.authors[0] ?? 'unknown', note: opts.note, fields: pickFields(fields) }],
    reviews: [],
    ...(opts.origin ? { origin: opts.origin } : {}),
    ...(opts.importKey ? { importKey: opts.importKey } : {}),
    createdAt: at,
    updatedAt: at,
  };
}
