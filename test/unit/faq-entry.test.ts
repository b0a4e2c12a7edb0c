import { describe, it, expect } from 'vitest';
import { slugify, uniqueId, renderMarkdown } from '../../src/faq/faq-entry.ts';
import { formToInput, EntryInput } from '../../src/faq/faq-schemas.ts';
import { markdownLoad } from '../../src/lib/markdown-limits.ts';
import { diffRevisions } from '../../src/faq/faq-diff.ts';
import { guessPhase } from '../../src/faq/faq-guess.ts';

describe('FAQ entry helpers', () => {
  it('when a title becomes an id, then it is a short kebab-case slug cut at a word', () => {
    expect(slugify('Bootstrap fails: "Temporary failure in name resolution"')).toBe('bootstrap-fails-temporary-failure-in-name-resolution');
    expect(slugify('Ünïcödé  ISO —  boot')).toBe('unicode-iso-boot');
    expect(slugify('日本語')).toBe('entry');
    expect(slugify('a'.repeat(80)).length).toBeLessThanOrEqual(57);
    expect(uniqueId('Same', (id) => ['same', 'same-2'].includes(id))).toBe('same-3');
    expect(uniqueId('__proto__', () => false)).toBe('proto');
  });

  it('when images are not https, then they are dropped; https images stay', () => {
    expect(renderMarkdown('![a](https://example.org/a.png) ![b](/local.png) <img src="x">', 'fix')).toBe('<p><img src="https://example.org/a.png" alt="a" />  </p>\n');
  });

  it('when a form is converted, then lists are split, and the schema refuses keys it does not know', () => {
    const input = formToInput({ title: 'A good title', phase: 'install', cause: 'c', fix: 'f', sources: 'https://a.example/1\n https://b.example/2 ', tags: 'DNS, bootstrap', deployment: ['aio-sx', 'aio-dx'], release: '' });
    expect(EntryInput.parse(input)).toMatchObject({ sources: ['https://a.example/1', 'https://b.example/2'], tags: ['dns', 'bootstrap'], deployment: ['aio-sx', 'aio-dx'], release: 'any' });
    expect(EntryInput.safeParse({ ...input, __proto__: { admin: true }, role: 'admin' }).success).toBe(false);
    expect(EntryInput.safeParse({ ...input, title: 'Title with \u202Ebidi override' }).data?.title).toBe('Title with bidi override');
  });

  it('when emphasis markers are counted, then runs count per paragraph, squared, and code blocks and escapes do not count', () => {
    expect(markdownLoad('*a* and _b_').emphasis).toBe(16);
    expect(markdownLoad('*a*\n\n_b_').emphasis).toBe(8);
    expect(markdownLoad('```\n*a*a*a\n```\n\\*x\\* y').emphasis).toBe(0);
    expect(markdownLoad('- x\n  ```\n  *a*a\n  ```\n~~~\n*a\n').emphasis).toBe(0);
  });

  it('when two revisions differ, then the changed fields are shown with insertions and deletions, escaped', () => {
    const base = { title: 'Old <title>', errorText: '', deployment: ['any' as const], phase: 'install' as const, releases: 'any', cause: 'same', fix: 'line one\nline two', sources: [], tags: [], steps: [], signatures: [] };
    const changes = diffRevisions(base, { ...base, title: 'New <title>', fix: 'line one\nline 2' });
    expect(changes.map((c) => c.label)).toEqual(['Title', 'Fix']);
    expect(changes[0]!.html).toBe('<del>Old</del><ins>New</ins> &lt;title&gt;');
    expect(changes[1]!.html).toContain('<del>line two</del><ins>line 2</ins>');
  });

  it('when a question mentions an install phase, then it is guessed for the draft', () => {
    expect(guessPhase('ansible-playbook bootstrap.yml fails')).toBe('bootstrap');
    expect(guessPhase('host-unlock refused')).toBe('unlock');
    expect(guessPhase('something else')).toBe('install');
  });
});
