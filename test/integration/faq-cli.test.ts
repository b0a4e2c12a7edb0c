import { describe, it, expect } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { buildApp, apiUser, FIXTURES, type TestApp } from '../support/app.ts';
import { importMboxCli } from '../../src/cli/faq-import-mbox.ts';
import { exportFaqCli } from '../../src/cli/faq-export.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

const MBOX = join(FIXTURES, 'mbox', 'sample.mbox');
const envOf = (t: TestApp) => ({ NODE_ENV: 'test', DATA_DIR: t.dir, ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}), CONTENT_DIR: t.config.contentDir, SEED_DIR: t.config.seedDir });
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
};

describe('npm run faq:import-mbox', () => {
  it('when an archive is imported, then its install questions wait in the review queue as drafts, and a second import adds nothing', async () => {
    let t = await buildApp();
    try {
      await t.store.close();
      await quiet(() => importMboxCli([MBOX], envOf(t)));
      await quiet(() => importMboxCli([MBOX], envOf(t)));
      t = await t.restart();
      const drafts = [...t.store.values<FaqEntry>('faq')].filter((e) => e.status === 'draft');
      expect(drafts.map((d) => d.title).sort()).toEqual(['Bootstrap fails: Temporary failure in name resolution', 'host-unlock rejected on controller-0', 'kubectl refused after install']);
      const dns = drafts.find((d) => d.title.startsWith('Bootstrap'))!;
      expect(dns).toMatchObject({ phase: 'bootstrap', importKey: 'mbox:<q1.alice@example.org>', authors: [] });
      expect(dns.causeHtml).toContain('<blockquote>');

      const token = await apiUser(t.app, 'importer-maint');
      const u = t.ports.users.byUsername('importer-maint')!;
      await t.ports.users.update({ ...u, role: 'maintainer' });
      const queue = await request(t.app).get('/api/review-queue').set('authorization', `Bearer ${token}`).expect(200);
      expect(queue.body.entries.filter((e: { origin: string | null }) => e.origin?.startsWith('Mailing list'))).toHaveLength(3);
    } finally {
      await t.close();
    }
  });

  it('when the server holds the store or the file is missing, then the message says what to do', async () => {
    // The data folder's lock is the embedded store's (on PostgreSQL the command runs beside the servers).
    const t = await buildApp({}, undefined, undefined, { embedded: true });
    try {
      await expect(importMboxCli([MBOX], envOf(t))).rejects.toThrow(/Stop the server/);
      await expect(importMboxCli([], envOf(t))).rejects.toThrow(/Usage/);
      await t.store.close();
      await expect(importMboxCli(['/no/such/file.mbox'], envOf(t))).rejects.toThrow(/no such file/);
    } finally {
      await t.close();
    }
  });
});

describe('npm run faq:export', () => {
  it('when the FAQ is exported, then approved entries are written as Markdown by phase with an index', async () => {
    const t = await buildApp();
    const out = tempDir('export');
    try {
      const token = await apiUser(t.app, 'exporter');
      await request(t.app).post('/api/faq').set('authorization', `Bearer ${token}`).send({ title: 'A draft that must not be exported', deployment: 'any', phase: 'install', cause: 'c', fix: 'f' }).expect(201);
      await t.store.close();
      await quiet(() => exportFaqCli([out], envOf(t)));
      expect(readdirSync(out).sort()).toEqual(['index.md', 'unlock', 'verify']);
      const index = readFileSync(join(out, 'index.md'), 'utf8');
      expect(index).toContain('## Unlocking');
      expect(index).toContain('- [Host stays locked after configuration](unlock/host-stays-locked.md)');
      expect(index).not.toContain('must not be exported');
      const entry = readFileSync(join(out, 'verify', 'kubectl-refused.md'), 'utf8');
      expect(entry).toMatch(/^---\ntitle: kubectl says the connection to localhost:8080 was refused\n/);
      expect(entry).toContain('authors:\n  - Onramp team');
      expect(entry).toContain('## Cause\n\nNo kubeconfig is set for your user.\n\n## Fix\n\n```bash\nexport KUBECONFIG=/etc/kubernetes/admin.conf\n```');
    } finally {
      rmSync(out, { recursive: true, force: true });
      await t.close();
    }
  });
});
