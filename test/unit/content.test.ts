import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContent } from '../../src/content/content-loader.ts';
import { loadFaqSeed } from '../../src/content/faq-seed.ts';
import { FIXTURES } from '../support/app.ts';

function contentCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-content-'));
  cpSync(join(FIXTURES, 'workshops'), dir, { recursive: true });
  return dir;
}

describe('content loading', () => {
  it('loads workshops with ordered steps, rendered Markdown and compiled checkpoints', () => {
    const c = loadContent(join(FIXTURES, 'workshops'), new Set(['host-stays-locked']));
    expect(c.problems).toEqual([]);
    const w = c.workshops.get('demo-install')!;
    expect(w.steps.map((s) => s.id)).toEqual(['prepare', 'unlock', 'verify']);
    expect(w.steps[1]!.checkpoint!.expect[0]).toBeInstanceOf(RegExp);
    const html = w.steps[0]!.html;
    expect(html).toContain('class="copy-btn"');
    expect(html).toContain('hljs');
    expect(html).toContain('markdown-alert-warning');
    expect(c.paths.get('demo-path')!.items).toEqual([{ type: 'guide', slug: 'demo-guide' }, { type: 'workshop', slug: 'demo-install' }]);
  });

  it('when front matter is broken, then the problem names the file and line and the workshop is skipped', () => {
    const dir = contentCopy();
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'workshop.md'), '---\ntitle: Broken\nsummary: x\naudience: y\nlevel: expert\nduration: 10\nrelease: "9.0"\ndeployment: aio-sx\nobjectives: [a]\n---\nbody\n');
    writeFileSync(join(dir, 'broken', '01-one.md'), '---\ntitle: One\nminutes: 5\nphase: install\ncolour: red\n---\nbody\n');
    const c = loadContent(dir, new Set(['host-stays-locked']));
    expect(c.workshops.has('broken')).toBe(false);
    expect(c.workshops.has('demo-install')).toBe(true);
    expect(c.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: expect.stringContaining('broken/workshop.md'), line: 5, message: expect.stringContaining('level') }),
        expect.objectContaining({ file: expect.stringContaining('broken/01-one.md'), line: 5, message: expect.stringContaining('colour') }),
      ]),
    );
  });

  it('when YAML does not parse, then the line of the syntax error is given', () => {
    const dir = contentCopy();
    writeFileSync(join(dir, 'guides', 'bad.md'), '---\ntitle: Bad\nsummary: [unclosed\n---\nbody\n');
    const c = loadContent(dir, new Set(['host-stays-locked']));
    const p = c.problems.find((x) => x.file.endsWith('bad.md'))!;
    expect(p.message).toMatch(/not valid YAML/);
    expect(p.line).toBeGreaterThanOrEqual(3);
  });

  it('when a checkpoint pattern could backtrack catastrophically, then the step is reported', () => {
    const dir = contentCopy();
    writeFileSync(join(dir, 'demo-install', '04-evil.md'), "---\ntitle: Evil\nminutes: 5\nphase: verify\ncheckpoint:\n  prompt: Paste\n  expect:\n    - '(a+)+$'\n---\nbody\n");
    const c = loadContent(dir, new Set(['host-stays-locked']));
    expect(c.problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: expect.stringContaining('04-evil.md'), line: 5, message: expect.stringMatching(/backtrack/) })]));
    expect(c.workshops.has('demo-install')).toBe(false);
  });

  it('when an internal link points nowhere, then the content check reports the file and line', () => {
    const dir = contentCopy();
    writeFileSync(join(dir, 'guides', 'links.md'), '---\ntitle: Links\nsummary: s\n---\nfirst line\n\nSee [missing](/workshops/demo-install/steps/nope) and [faq](/faq/unknown-entry).\n');
    const c = loadContent(dir, new Set(['host-stays-locked']));
    const msgs = c.problems.filter((p) => p.file.endsWith('links.md'));
    expect(msgs.map((m) => m.message)).toEqual(['broken internal link /workshops/demo-install/steps/nope', 'broken internal link /faq/unknown-entry']);
    expect(msgs[0]!.line).toBe(7);
  });

  it('parses the seed FAQ into cause and fix sections', () => {
    const seed = loadFaqSeed(join(FIXTURES, 'seed'));
    expect(seed.map((s) => s.id)).toEqual(['host-stays-locked', 'kubectl-refused']);
    expect(seed[1]!.fix).toContain('KUBECONFIG');
  });
});

describe('the shipped content', () => {
  it('passes the content check, with a complete AIO-SX install of at least 8 steps and checkpoints', () => {
    const root = join(import.meta.dirname, '..', '..');
    const seedProblems: { file: string }[] = [];
    const seed = loadFaqSeed(join(root, 'seed'), seedProblems as never);
    const c = loadContent(join(root, 'workshops'), new Set(seed.map((s) => s.id)));
    expect([...c.problems, ...seedProblems]).toEqual([]);
    const aio = c.workshops.get('aio-simplex-virtual')!;
    expect(aio.steps.length).toBeGreaterThanOrEqual(8);
    expect(aio.steps.filter((s) => s.checkpoint).length).toBeGreaterThanOrEqual(5);
    expect(c.guides.has('how-starlingx-fits')).toBe(true);
    expect(seed.length).toBeGreaterThanOrEqual(30);
  });
});
