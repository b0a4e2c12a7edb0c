import { describe, it, expect } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { loadContent } from '../../src/content/content-loader.ts';
import { loadFaqSeed, seedReferenceProblems } from '../../src/content/faq-seed.ts';
import { FIXTURES } from '../support/app.ts';
import { homeGoals } from '../../src/workshops/home-goals.ts';

function contentCopy(): string {
  const dir = tempDir('content');
  cpSync(join(FIXTURES, 'workshops'), dir, { recursive: true });
  return dir;
}

describe('content loading', () => {
  it('loads workshops with ordered steps, rendered Markdown and compiled checkpoints', () => {
    const c = loadContent(join(FIXTURES, 'workshops'), new Set(['host-stays-locked']));
    expect(c.problems).toEqual([]);
    const w = c.workshops.get('demo-install')!;
    expect(w.steps.map((s) => s.id)).toEqual(['prepare', 'unlock', 'verify']);
    expect(w.steps[1]!.checkpoint!.expect[0]!.test('| controller-0 | controller | unlocked | enabled | available |')).toBe(true);
    expect(w.steps[0]!.sources).toEqual([{ url: 'https://docs.starlingx.io/deploy_install_guides/index.html', title: 'StarlingX installation guides' }]);
    expect(w.steps[0]!.checked).toEqual({ release: '9.0', on: '2026-11-30' });
    expect(w.steps[0]!.variants).toEqual([{ deployment: [], platform: ['virtualbox'] }, { deployment: [], platform: ['libvirt', 'bare-metal'] }]);
    const html = w.steps[0]!.html;
    expect(html).toContain('markdown-alert-release');
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

  it('when a checkpoint pattern cannot run on the linear-time engine, then the step is reported', () => {
    const dir = contentCopy();
    writeFileSync(join(dir, 'demo-install', '04-evil.md'), "---\ntitle: Evil\nminutes: 5\nphase: verify\ncheckpoint:\n  prompt: Paste\n  expect:\n    - '^commit (?!x)'\n---\nbody\n");
    const c = loadContent(dir, new Set(['host-stays-locked']));
    expect(c.problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: expect.stringContaining('04-evil.md'), line: 5, message: expect.stringMatching(/look-ahead/) })]));
    expect(c.workshops.has('demo-install')).toBe(false);
  });

  it('when a step shows commands without sources, then the check names the file and the line of the first command, and the site still serves it', () => {
    const dir = contentCopy();
    writeFileSync(join(dir, 'demo-install', '04-uncited.md'), '---\ntitle: Uncited\nminutes: 5\nphase: verify\n---\nText.\n\n```bash\nsystem host-list\n```\n');
    writeFileSync(join(dir, 'demo-install', '05-prose.md'), '---\ntitle: Prose\nminutes: 5\nphase: verify\n---\nOnly words, and output:\n\n```text\nok\n```\n');
    const c = loadContent(dir, new Set(['host-stays-locked']));
    expect(c.warnings).toEqual([expect.objectContaining({ file: expect.stringContaining('04-uncited.md'), line: 8, message: expect.stringMatching(/sources.*checked/) })]);
    expect(c.workshops.get('demo-install')!.stepById.has('uncited')).toBe(true);
  });

  it('when a variant block is malformed, then the problem names its line', () => {
    const dir = contentCopy();
    writeFileSync(join(dir, 'guides', 'variants.md'), '---\ntitle: V\nsummary: s\n---\nIntro.\n\n:::variant platform=hyperv\nx\n:::\n');
    const c = loadContent(dir, new Set(['host-stays-locked']));
    expect(c.problems).toEqual([expect.objectContaining({ file: expect.stringContaining('variants.md'), line: 7, message: expect.stringMatching(/platform must be one of libvirt, virtualbox, bare-metal/) })]);
  });

  it('when a page shows a diagram, then the SVG is inlined, and a missing or scripted one is a problem', () => {
    const dir = contentCopy();
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'nets.svg'), '<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>Networks</title><text x="1" y="1">OAM</text></svg>');
    writeFileSync(join(dir, 'assets', 'evil.svg'), '<svg><title>x</title><rect onclick="alert(1)"/></svg>');
    writeFileSync(join(dir, 'guides', 'nets.md'), '---\ntitle: N\nsummary: s\n---\n![The networks](/assets/nets.svg)\n');
    writeFileSync(join(dir, 'guides', 'evil.md'), '---\ntitle: E\nsummary: s\n---\n![x](/assets/evil.svg)\n');
    writeFileSync(join(dir, 'guides', 'gone.md'), '---\ntitle: G\nsummary: s\n---\n![x](/assets/gone.svg)\n');
    const c = loadContent(dir, new Set(['host-stays-locked']));
    expect(c.guides.get('nets')!.html).toContain('<figure class="diagram"><svg');
    expect(c.guides.get('nets')!.html).toContain('<figcaption>The networks</figcaption>');
    expect(c.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/gone\.svg does not exist/), expect.stringMatching(/scripts, event handlers/)]));
    expect(c.problems).toHaveLength(2);
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
    expect([...c.problems, ...c.warnings, ...seedProblems, ...seedReferenceProblems(seed, c, new Set(seed.map((s) => s.id)))]).toEqual([]);
    const aio = c.workshops.get('aio-simplex-virtual')!;
    expect(aio.steps.length).toBeGreaterThanOrEqual(8);
    expect(aio.steps.filter((s) => s.checkpoint).length).toBeGreaterThanOrEqual(5);
    expect(c.guides.has('how-starlingx-fits')).toBe(true);
    expect(seed.length).toBeGreaterThanOrEqual(80);
    for (const id of ['openstack-aio-sx', 'aio-duplex-virtual', 'registry-mirror', 'contributor-first-change', 'first-kubernetes-app']) expect(c.workshops.has(id), id).toBe(true);
    for (const id of ['networks', 'troubleshooting-basics', 'bare-metal-aio-sx', 'distributed-cloud', 'office-hours']) expect(c.guides.has(id), id).toBe(true);
    // Every page that shows commands says what it was checked against.
    for (const w of c.workshops.values()) for (const s of w.steps) if (/<code class="hljs language-(bash|console)/.test(s.html)) expect(s.sources.length, s.file).toBeGreaterThan(0);
    // The home page's cards lead where they say: every link names the page it opens, and none is missing.
    const cards = Object.fromEntries(homeGoals(c).map((g) => [g.title, g.links]));
    expect(Object.fromEntries(Object.entries(cards).map(([k, links]) => [k, links.map((l) => l.href)]))).toEqual({
      'Try it on my laptop or one server': ['/workshops/aio-simplex-virtual', '/guides/bare-metal-aio-sx'],
      'Run Kubernetes workloads at the edge': ['/workshops/first-kubernetes-app', '/workshops/aio-duplex-virtual'],
      OpenStack: ['/workshops/openstack-aio-sx', '/guides/how-starlingx-fits'],
      'Many sites': ['/guides/distributed-cloud', '/guides/choose-your-deployment'],
      'An offline site or a slow link': ['/workshops/registry-mirror'],
      'Contribute code or docs': ['/workshops/contributor-first-change', '/faq/new'],
    });
    for (const l of Object.values(cards).flat()) {
      const [, kind, slug] = l.href.split('/') as [string, string, string];
      const target = kind === 'workshops' ? c.workshops.get(slug) : kind === 'guides' ? c.guides.get(slug) : undefined;
      expect(l.label, l.href).toBe(target?.title ?? 'Write a troubleshooting entry');
    }
  });
});

describe('deployment profiles', () => {
  it('when a learner says where they install, then the matching variant is open and the others are folded', async () => {
    const { htmlFor } = await import('../../src/content/profile.ts');
    const step = loadContent(join(FIXTURES, 'workshops'), new Set(['host-stays-locked'])).workshops.get('demo-install')!.steps[0]!;
    const details = (html: string) => [...html.matchAll(/<details class="variant"( open)?><summary>([^<]*)</g)].map((m) => `${m[2]}${m[1] ? ' (open)' : ''}`);
    expect(details(htmlFor(step, {}))).toEqual(['If you install on VirtualBox (open)', 'If you install on libvirt/KVM or bare metal (open)']);
    expect(details(htmlFor(step, { platform: 'virtualbox' }))).toEqual(['If you install on VirtualBox (open)', 'If you install on libvirt/KVM or bare metal']);
    expect(details(htmlFor(step, { platform: 'bare-metal', deployment: 'aio-dx' }))).toEqual(['If you install on VirtualBox', 'If you install on libvirt/KVM or bare metal (open)']);
    expect(htmlFor(step, { platform: 'virtualbox' })).not.toContain('\u0000');
  });
});
