import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp, csrfFrom, FIXTURES, logIn, setRole, signUp, type TestApp } from '../support/app.ts';
import { tempDir } from '../support/temp.ts';
import { importRstCli } from '../../src/cli/faq-import-rst.ts';
import { exportFaqCli } from '../../src/cli/faq-export.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

const hasPandoc = spawnSync('pandoc', ['--version']).status === 0;
if (!hasPandoc) console.warn('Skipping the RST import tests: pandoc is missing (apt-get install -y pandoc).');

const PAGE = join(FIXTURES, 'docs', 'troubleshooting-bootstrap-unlock.rst');
const DOCS_PATH = 'doc/source/fault-mgmt/kubernetes/troubleshooting-bootstrap-unlock.rst';
const TITLES = ['Bootstrap cannot resolve the registry names', 'Bootstrap fails with "toomanyrequests" while pulling from Docker Hub', 'Unlock is rejected because no OSD is configured'];

const envOf = (t: TestApp) => ({ NODE_ENV: 'test', DATA_DIR: t.dir, ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}), CONTENT_DIR: t.config.contentDir, SEED_DIR: t.config.seedDir });
async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; out: string }> {
  const log = console.log;
  let out = '';
  console.log = (...args: unknown[]) => void (out += `${args.join(' ')}\n`);
  try {
    return { value: await fn(), out };
  } finally {
    console.log = log;
  }
}
const drafts = (t: TestApp) => [...t.store.values<FaqEntry>('faq')].filter((e) => e.status === 'draft');

/** The fixture where the docs repository keeps it, so its published address can be worked out. */
function pageInDocsTree(): string {
  const root = tempDir('docs');
  const file = join(root, DOCS_PATH);
  mkdirSync(join(file, '..'), { recursive: true });
  copyFileSync(PAGE, file);
  return file;
}

describe.skipIf(!hasPandoc)('npm run faq:import-rst', () => {
  it('when a troubleshooting page of the docs is imported, then each problem/cause/fix section is a draft for review, and a second import adds nothing', async () => {
    let t = await buildApp();
    try {
      await t.store.close();
      const file = pageInDocsTree();
      const first = await quiet(() => importRstCli([file], envOf(t)));
      expect(first.out).toContain('3 drafts created in the review queue; 0 sections imported before or already in Onramp; 1 section without a cause and a fix.');
      expect(first.out).toContain('not an entry: Collect logs before you ask for help');
      const again = await quiet(() => importRstCli([file], envOf(t)));
      expect(again.out).toContain('0 drafts created in the review queue; 3 sections imported before or already in Onramp');
      t = await t.restart();

      const list = drafts(t);
      expect(list.map((d) => d.title).sort()).toEqual([...TITLES].sort());
      const dns = list.find((d) => d.title === TITLES[0])!;
      expect(dns).toMatchObject({
        origin: `Docs: ${DOCS_PATH}`,
        importKey: `docs:${DOCS_PATH}#troubleshooting-bootstrap-unlock-section-dns`,
        errorText: 'dial tcp: lookup registry.k8s.io on 8.8.8.8:53: read udp 10.10.10.3:51827->8.8.8.8:53: i/o timeout',
        phase: 'bootstrap',
        tags: ['docs'],
        authors: [],
        sources: ['https://docs.starlingx.io/fault-mgmt/kubernetes/troubleshooting-bootstrap-unlock.html#troubleshooting-bootstrap-unlock-section-dns'],
      });
      // The docs' substitutions and roles read as the published page shows them.
      expect(dns.cause).toContain('cannot be reached from the OAM network, every lookup of `docker.io`');
      expect(dns.fix).toMatch(/``` ?yaml\n +dns_servers:\n +- 192\.168\.1\.1/);
      expect(dns.fixHtml).toContain('<code class="hljs language-yaml">');
      expect(dns.fix).toContain('Run the playbook again with `ansible-playbook /usr/share/ansible/stx-ansible/playbooks/bootstrap.yml`.');
      // `.. note::` becomes the alert Onramp shows as a note, with its link.
      expect(dns.fixHtml).toContain('markdown-alert-note');
      expect(dns.fixHtml).toContain('href="https://docs.starlingx.io/deploy_install_guides/release/ansible_bootstrap_configs.html"');

      const rate = list.find((d) => d.title === TITLES[1])!;
      expect(rate.cause).toContain('Docker Hub allows a limited number of anonymous pulls per source address.');
      expect(rate.fix).toMatch(/^Wait a few hours and run the bootstrap again/);
      expect(rate.fix).toContain('See Docker Proxy Configuration.');
      expect(rate.fixHtml).toContain('markdown-alert-warning');

      const osd = list.find((d) => d.title === TITLES[2])!;
      expect(osd.errorText).toBe("Can not unlock node until at least 1 osd stor is configured for tier 'storage'.");
      expect(osd.phase).toBe('unlock');
      expect(osd.cause).toContain('Ceph still needs a whole spare disk for each OSD');
      expect(osd.fix).toContain('system host-stor-add controller-0 <disk-uuid>');
      // Its "References" rubric gives a source of its own.
      expect(osd.sources).toContain('https://docs.starlingx.io/deploy_install_guides/release/virtual/aio_simplex_install_kubernetes.html');
      // Partner-only text and the page's table of contents are not part of any answer.
      for (const d of list) expect(`${d.cause}\n${d.fix}`).not.toMatch(/partner|In this section|contents/);
    } finally {
      await t.close();
    }
  });

  it('when a page exported from Onramp comes back, then its entries are recognised and nothing is duplicated; into another Onramp they come as drafts', async () => {
    const out = tempDir('rst-roundtrip');
    let t = await buildApp();
    let other = await buildApp({ SEED_DIR: tempDir('no-seed'), CONTENT_DIR: tempDir('no-content') });
    try {
      await t.store.close();
      await quiet(() => exportFaqCli(['--format', 'rst', out], envOf(t)));
      const back = await quiet(() => importRstCli([join(out, 'unlock.rst')], envOf(t)));
      expect(back.out).toContain('0 drafts created in the review queue; 1 section imported before or already in Onramp');
      t = await t.restart();
      expect(drafts(t)).toEqual([]);

      await other.store.close();
      await quiet(() => importRstCli([join(out, 'unlock.rst')], envOf(other)));
      other = await other.restart();
      const [entry] = drafts(other);
      expect(entry).toMatchObject({
        title: 'Host stays locked after configuration',
        errorText: 'controller-0 was administratively locked to take it out-of-service',
        fix: 'Run `system host-unlock controller-0`.',
        importKey: 'docs:unlock.rst#faq-host-stays-locked',
        sources: ['https://docs.starlingx.io/'],
      });
      expect(entry!.cause).toContain('The unlock was never run.');
    } finally {
      await t.close();
      await other.close();
    }
  });
});

describe.skipIf(!hasPandoc)('the maintainers\' import page', () => {
  it('when a pasted page asks to include a file of the server, then nothing of that file is read', async () => {
    const t = await buildApp();
    try {
      const secret = join(tempDir('secret'), 'secret.txt');
      writeFileSync(secret, 'SECRET-TOKEN-4242\n');
      await signUp(t.app, 'maint-inc');
      await setRole(t, 'maint-inc', 'maintainer');
      const agent = await logIn(t.app, 'maint-inc');
      const page = await agent.get('/review/import').expect(200);
      const rst = ['Unlock fails', '============', '', '.. rubric:: Cause', '', 'Something.', '', '.. include:: ' + secret, '', '.. rubric:: Fix', '', '.. include:: ' + secret, '   :literal:', ''].join('\n');
      await agent.post('/review/import').type('form').send({ _csrf: csrfFrom(page.text), file: 'unlock.rst', rst }).expect(303);
      const [draft] = drafts(t);
      expect(draft!.title).toBe('Unlock fails');
      expect(JSON.stringify(draft)).not.toContain('SECRET-TOKEN');
    } finally {
      await t.close();
    }
  });

  it('when a maintainer pastes a docs page, then its sections wait in the review queue as drafts; a second paste adds none; others cannot import', async () => {
    const t = await buildApp();
    try {
      const learner = await signUp(t.app, 'learner-imp');
      await learner.get('/review/import').expect(403);
      const visitor = await request(t.app).get('/review/import').expect(302);
      expect(visitor.headers.location).toBe('/login?next=%2Freview%2Fimport');
      await signUp(t.app, 'maint-imp');
      await setRole(t, 'maint-imp', 'maintainer');
      const agent = await logIn(t.app, 'maint-imp');
      const queue = await agent.get('/review').expect(200);
      expect(queue.text).toContain('href="/review/import"');
      const page = await agent.get('/review/import').expect(200);
      expect(page.text).toContain('Import a troubleshooting page from the docs');
      const rst = readFileSync(PAGE, 'utf8');

      await agent.post('/review/import').type('form').send({ file: DOCS_PATH, rst }).expect(403);
      const bad = await agent.post('/review/import').type('form').send({ _csrf: csrfFrom(page.text), file: '../../etc/passwd?', rst: '   ' }).expect(422);
      expect(bad.text).toContain('Write the path as the docs repository has it');
      expect(bad.text).toContain('Paste the page, or choose its file.');

      const done = await agent.post('/review/import').type('form').send({ _csrf: csrfFrom(page.text), file: DOCS_PATH, rst }).expect(303);
      expect(done.headers.location).toBe('/review?status=draft');
      const list = await agent.get('/review?status=draft').expect(200);
      expect(list.text).toContain('3 drafts created in the review queue');
      for (const title of TITLES) expect(list.text).toContain(title.replace(/"/g, '&#34;'));
      expect(list.text).toContain(`Docs: ${DOCS_PATH}`);
      expect(drafts(t)).toHaveLength(3);

      await agent.post('/review/import').type('form').send({ _csrf: csrfFrom(page.text), file: DOCS_PATH, rst }).expect(303);
      expect((await agent.get('/review?status=draft')).text).toContain('0 drafts created in the review queue; 3 sections imported before');
      expect(drafts(t)).toHaveLength(3);
    } finally {
      await t.close();
    }
  });
});
