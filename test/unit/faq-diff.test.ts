import { describe, it, expect } from 'vitest';
import { createRevisionDiffs, diffRevisions } from '../../src/faq/faq-diff.ts';
import type { EntryFields, FaqEntry } from '../../src/faq/faq-types.ts';

const BASE: EntryFields = { title: 'Bootstrap fails', errorText: '', deployment: ['any'], phase: 'install', releases: 'any', cause: '', fix: '', sources: [], tags: [], steps: [], signatures: [] };

/** 16 KB of short lines, different on each side: the worst case for a line diff (every line an edit). */
const lines = (f: (i: number) => string, max: number) => {
  let s = '';
  for (let i = 0; s.length < max; i++) s += `${f(i)}\n`;
  return s.slice(0, max);
};
const before: EntryFields = { ...BASE, cause: lines((i) => String(i % 97), 16_384), fix: lines((i) => String(i % 89), 16_384), errorText: lines((i) => `e${i % 7}`, 4096) };
const after: EntryFields = { ...BASE, cause: lines((i) => String((i * 31) % 89), 16_384), fix: lines((i) => String((i * 7) % 97), 16_384), errorText: lines((i) => `e${(i * 3) % 5}`, 4096) };
const revision = (at: string, fields: EntryFields) => ({ at, by: 'u1', note: '', fields });
const textOf = (html: string) => html.replace(/<\/?(?:ins|del)>/g, '');

describe('revision diffs', () => {
  // Measured: 0.6 s a view before the bounds, 30-55 ms after; the budget leaves room for a slow CI run.
  it('when two hostile 16 KB revisions are compared, then the view is ready within the budget and shows every field that changed', () => {
    const started = performance.now();
    const changes = diffRevisions(before, after);
    expect(performance.now() - started).toBeLessThan(150);
    expect(changes.map((c) => c.label)).toEqual(['Error text', 'Cause', 'Fix']);
    for (const c of changes) expect(c.html).toMatch(/<del>|<ins>/);
    // Whole or diffed, both versions are all there.
    expect(textOf(changes[1]!.html).length).toBeGreaterThanOrEqual(Math.max(before.cause.length, after.cause.length));
  });

  it('when a revision is viewed twice, then the second view is served from the cache; a revision with a new time is diffed again', () => {
    const diffs = createRevisionDiffs();
    const entry = { id: 'bootstrap-fails', revisions: [revision('2026-01-01T00:00:00.000Z', before), revision('2026-01-02T00:00:00.000Z', after)] } as Pick<FaqEntry, 'id' | 'revisions'>;
    const first = diffs.changes(entry, 1);
    const started = performance.now();
    const second = diffs.changes(entry, 1);
    expect(performance.now() - started).toBeLessThan(5);
    expect(second).toBe(first);
    expect(diffs.stats).toEqual({ hits: 1, misses: 1 });
    // An entry trimmed to its latest revisions reuses index 1 for another revision.
    const trimmed = { ...entry, revisions: [entry.revisions[0]!, revision('2026-01-03T00:00:00.000Z', { ...after, title: 'Bootstrap fails: DNS' })] };
    expect(diffs.changes(trimmed, 1).map((c) => c.label)).toContain('Title');
    expect(diffs.stats).toEqual({ hits: 1, misses: 2 });
    expect(diffs.changes(entry, 7)).toEqual([]);
  });

  it('when the cache is full, then the least recently viewed diffs are dropped', () => {
    const diffs = createRevisionDiffs({ maxBytes: 400 });
    const small = (i: number) => ({ id: `e${i}`, revisions: [revision('2026-01-01T00:00:00.000Z', BASE), revision('2026-01-02T00:00:00.000Z', { ...BASE, fix: `step ${i}` })] });
    for (let i = 0; i < 40; i++) diffs.changes(small(i), 1);
    diffs.changes(small(39), 1);
    expect(diffs.stats.hits).toBe(1);
    diffs.changes(small(0), 1);
    expect(diffs.stats).toEqual({ hits: 1, misses: 41 });
  });
});
