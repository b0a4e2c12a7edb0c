import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp, apiUser, setRole, type TestApp } from '../support/app.ts';
import { tempDir } from '../support/temp.ts';
import { exportFaqCli } from '../../src/cli/faq-export.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const hasSphinx = spawnSync('sphinx-build', ['--version']).status === 0;
const hasPandoc = spawnSync('pandoc', ['--version']).status === 0;
if (!hasSphinx) console.warn('Skipping the Sphinx build of the RST export: sphinx-build is missing (apt-get install -y python3-sphinx).');
if (!hasPandoc) console.warn('Skipping the RST export tests: pandoc is missing (apt-get install -y pandoc).');

const envOf = (t: TestApp) => ({ NODE_ENV: 'test', DATA_DIR: t.dir, ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}), CONTENT_DIR: t.config.contentDir, SEED_DIR: t.config.seedDir, BASE_URL: 'https://onramp.example.org' });
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
};

/** An entry that uses everything contributors write: alerts, headings, a table, images, links of every kind. */
const TRICKY = {
  title: '`system host-unlock` fails: *locked* | 250.001_ [sic]',
  errorText: 'Error: controller-0 is "locked" | 250.001 <config out-of-date>',
  deployment: ['aio-sx', 'aio-dx'],
  phase: 'unlock',
  release: '8.0+',
  cause: [
    'The alarm reads "<host> was administratively locked", and <b>the</b> configuration is out of date (see [the locked-host entry](/faq/host-stays-locked) and [the workshop](/workshops/aio-simplex-virtual/steps/unlock)).',
    '',
    '> [!NOTE]',
    '> Alarm `250.001` clears once the host is unlocked.',
    '',
    '### What the alarm says',
    '',
    '| Alarm | Meaning |',
    '|---|---|',
    '| 250.001 | configuration out of date |',
    '',
    '![the alarm banner](https://docs.starlingx.io/_images/alarm-banner.png)',
  ].join('\n'),
  fix: [
    '> [!WARNING]',
    '> Lock the host first: unlocking a host that runs workloads reboots it.',
    '',
    '```console',
    '[sysadmin@controller-0 ~(keystone_admin)]$ system host-lock controller-0',
    '```',
    '',
    '1. Lock it.',
    '2. Unlock it:',
    '',
    '   ```bash',
    '   system host-unlock controller-0',
    '   ```',
    '',
    'Details in the [fault management guide](https://docs.starlingx.io/fault-mgmt/kubernetes/index-fault-kub-f45ef76b6f16.html?x=1&y=2).',
  ].join('\n'),
  sources: ['https://opendev.org/starlingx/fault/src/branch/master/fm-doc/fm_doc/events.yaml'],
  tags: ['unlock'],
};

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
/** What a reader of the built page sees, with its whitespace folded. */
const visible = (html: string) => decode(html.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ');
const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Fenced code blocks of a Markdown text (also inside list items). */
const fences = (md: string) => [...md.matchAll(/^( *)```[^\n]*\n([\s\S]*?)\n\1```/gm)].map((m) => m[2]!.split('\n').map((l) => l.slice(m[1]!.length)).join('\n'));
/** The https: links and images of a Markdown text. */
const httpsLinks = (md: string) => [...md.matchAll(/\]\((https:\/\/[^)\s]+)\)|<(https:\/\/[^>\s]+)>/g)].map((m) => (m[1] ?? m[2])!);

async function exportSeed(): Promise<{ out: string; entries: FaqEntry[] }> {
  let t = await buildApp({ SEED_DIR: join(ROOT, 'seed') });
  const out = tempDir('export-rst');
  try {
    const token = await apiUser(t.app, 'contrib');
    const id = (await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send(TRICKY).expect(201)).body.id as string;
    await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ ...TRICKY, title: 'A draft that must not be exported' }).expect(201);
    const maint = await apiUser(t.app, 'maint');
    await setRole(t, 'maint', 'maintainer');
    await request(t.app).post(`/api/faq/${id}/reviews`).set('authorization', `Bearer ${maint}`).send({ decision: 'approve', comment: '' }).expect(200);
    await t.store.close();
    await quiet(() => exportFaqCli(['--format', 'rst', out], envOf(t)));
    t = await t.restart();
    return { out, entries: [...t.store.values<FaqEntry>('faq')].filter((e) => e.status === 'approved') };
  } finally {
    await t.close();
  }
}

describe.skipIf(!hasPandoc)('npm run faq:export -- --format rst', () => {
  let out: string;
  let entries: FaqEntry[];
  beforeAll(async () => {
    ({ out, entries } = await exportSeed());
  }, 60_000);

  it('when the FAQ is exported as reStructuredText, then it is laid out as a docs section: an index with a toctree, a page per phase, a label per entry', () => {
    expect(entries.length).toBeGreaterThan(100);
    const pages = readdirSync(out).sort();
    const phases = [...new Set(entries.map((e) => e.phase))];
    expect(pages).toEqual(['index.rst', ...phases.map((p) => `${p}.rst`)].sort());
    const index = readFileSync(join(out, 'index.rst'), 'utf8');
    expect(index).toMatch(/^\.\. _faq-index:\n\n=+\nStarlingX install troubleshooting\n=+\n/m);
    expect(index).toContain('.. toctree::\n   :maxdepth: 2\n\n');
    for (const p of phases) expect(index).toContain(`\n   ${p}\n`);

    const unlock = readFileSync(join(out, 'unlock.rst'), 'utf8');
    expect(unlock).toContain('.. _faq-phase-unlock:\n\n=========\nUnlocking\n=========');
    expect(unlock).toContain('.. _faq-system-host-unlock-fails-locked-250-001-sic:\n');
    // pandoc escapes what RST would read as markup in a title
    expect(unlock).toContain('\\`system host-unlock\\` fails: \\*locked\\* \\| 250.001\\_ [sic]');
    expect(unlock).toContain('.. code-block:: console\n\n   [sysadmin@controller-0 ~(keystone_admin)]$ system host-lock controller-0');
    expect(unlock).toContain('.. code-block:: bash\n\n      system host-unlock controller-0');
    expect(unlock).toContain('.. note::\n\n   Alarm ``250.001`` clears once the host is unlocked.');
    expect(unlock).toContain('.. warning::\n\n   Lock the host first');
    expect(unlock).toContain(':ref:`the locked-host entry <faq-host-stays-locked>`');
    expect(unlock).toContain('https://onramp.example.org/workshops/aio-simplex-virtual/steps/unlock');
    expect(unlock).toContain('.. rubric:: Cause');
    expect(unlock).not.toContain('must not be exported');
  });

  it.skipIf(!hasSphinx)('when Sphinx builds the export with warnings as errors, then every entry, code block and link is in the HTML', () => {
    const html = tempDir('export-html');
    const build = spawnSync('sphinx-build', ['-W', '--keep-going', '-q', '-b', 'html', '-C', '-D', 'project=StarlingX', '-D', 'language=en', '-D', 'smartquotes=0', out, html], { encoding: 'utf8' });
    expect(build.stderr + build.stdout, 'sphinx-build -W reported warnings').toBe('');
    expect(build.status).toBe(0);

    let blocks = 0;
    for (const e of entries) {
      const page = readFileSync(join(html, `${e.phase}.html`), 'utf8');
      const text = visible(page);
      expect(page).toContain(`id="faq-${e.id}"`);
      expect(text).toContain(fold(e.title));
      const codes = [...fences(e.cause), ...fences(e.fix), ...(e.errorText.trim() ? [e.errorText] : [])];
      blocks += codes.length;
      for (const c of codes) expect(text, `${e.id}: a code block`).toContain(fold(c));
      for (const url of [...httpsLinks(e.cause), ...httpsLinks(e.fix), ...e.sources.filter((s) => s.startsWith('https://'))]) {
        expect(page, `${e.id}: ${url}`).toContain(`href="${url.replace(/&/g, '&amp;')}"`);
      }
    }
    // Every code block of every entry is a highlighted block of the built pages, and nothing else is.
    const built = readdirSync(html).filter((f) => f.endsWith('.html') && f !== 'index.html' && !['genindex.html', 'search.html'].includes(f));
    const highlighted = built.reduce((n, f) => n + (readFileSync(join(html, f), 'utf8').match(/<div class="highlight-[a-z]+ notranslate">/g) ?? []).length, 0);
    expect(highlighted).toBe(blocks);

    const unlock = readFileSync(join(html, 'unlock.html'), 'utf8');
    expect(unlock).toContain('<div class="admonition note">');
    expect(unlock).toContain('<div class="admonition warning">');
    expect(unlock).toMatch(/<a class="reference internal" href="#faq-host-stays-locked"><span class="std std-ref">the locked-host entry<\/span><\/a>/);
    expect(unlock).toContain('href="https://docs.starlingx.io/_images/alarm-banner.png"');
    // A placeholder written like a tag is text the author meant to show; formatting tags only go.
    expect(visible(unlock)).toContain('The alarm reads "<host> was administratively locked", and the configuration is out of date');
    // The index's toctree lists every entry under its phase.
    const index = visible(readFileSync(join(html, 'index.html'), 'utf8'));
    for (const e of entries) expect(index).toContain(fold(e.title));
  });
});
