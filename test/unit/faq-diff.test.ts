import { describe, it, expect } from 'vitest';
import { createRevisionDiffs, diffRevisions } from '../../src/faq/faq-diff.ts';
import type { EntryFields, FaqEntry } from '../../src/faq/faq-types.ts';
import { HOSTILE_REVISIONS } from '../support/hostile-inputs.ts';

const { before, after } = HOSTILE_REVISIONS;
const BASE: EntryFields = { ...before, errorText: '', cause: '', fix: '' };
const revision = (at: string, fields: EntryFields) => ({ at, by: 'u1', note: '', fields });
const textOf = (html: string) => html.replace(/<\/?(?:ins|del)>/g, '');

describe('revision diffs', () => {
  // These took 0.6 s a view before the bounds; `npm run bench` (hostile input) reports the figure now.
  it('when two hostile 16 KB revisions are compared (every line changed), then each field is shown whole, old then new, instead of diffed line by line', () => {
    const changes = diffRevisions(before, after);
    expect(changes.map((c) => c.label)).toEqual(['Error text', 'Cause', 'Fix']);
    for (const c of changes) expect(c.html).toMatch(/^<del>[^<]*<\/del><ins>[^<]*<\/ins>$/);
    // Both versions are all there.
    expect(textOf(changes[1]!.html)).toBe(before.cause + after.cause);
  });

  it('when a few lines of a long field change, then only those lines are marked', () => {
    const long = { ...BASE, cause: Array.from({ length: 300 }, (_, i) => `Line ${i} of the cause.`).join('\n') };
    const edited = { ...long, cause: long.cause.replace('Line 5 of', 'Line five of') };
    const [cause] = diffRevisions(long, edited);
    expect(cause!.label).toBe('Cause');
    expect(cause!.html.match(/<del>/g)).toHaveLength(1);
    expect(cause!.html).toContain('<del>Line 5 of the cause.\n</del><ins>Line five of the cause.\n</ins>');
  });

  it('when a revision is viewed twice, then the second view is served from the cache; a revision with a new time is diffed again', () => {
    const diffs = createRevisionDiffs();
    const entry = { id: 'bootstrap-fails', revisions: [revision('2026-01-01T00:00:00.000Z', before), revision('2026-01-02T00:00:00.000Z', after)] } as Pick<FaqEntry, 'id' | 'revisions'>;
    const first = diffs.changes(entry, 1);
    const second = diffs.changes(entry, 1);
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
