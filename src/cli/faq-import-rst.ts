import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { loadContent } from '../content/content-loader.ts';
import { createCatalog } from '../workshops/catalog.ts';
import { createFaqRepository } from '../faq/faq-repository.ts';
import { createFaqService } from '../faq/faq-service.ts';
import { createSearchService } from '../search/search-service.ts';
import { importRst, importSentence } from '../faq/rst-import.ts';
import { PandocError } from '../lib/pandoc.ts';
import { CliError, openStoreForCli, parseArgs, runCli } from './cli-store.ts';

/** A docs page is a few dozen KB; more is not a troubleshooting page. */
export const RST_MAX_BYTES = 2 * 1024 * 1024;

/**
 * `npm run faq:import-rst -- FILE`: the problem/cause/fix sections of a troubleshooting page of the
 * StarlingX docs become drafts in the review queue (idempotent). Give the page's path in the docs
 * repository (`doc/source/.../page.rst`) to have its published address kept as the draft's source.
 */
export async function importRstCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const file = parseArgs(argv).positional[0];
  if (!file) throw new CliError('Usage: npm run faq:import-rst -- FILE', 2);
  const raw = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (raw.length > RST_MAX_BYTES) throw new CliError(`${file} is larger than 2 MB: that is not one troubleshooting page.`);
  const config = loadConfig(env);
  const store = await openStoreForCli(config);
  try {
    const content = { current: loadContent(config.contentDir) };
    const repo = createFaqRepository(store);
    // Drafts from an import have no author to promote.
    const faq = createFaqService({ repo, search: createSearchService({ content }), accounts: { grantContributor: async () => {} }, catalog: createCatalog(content) });
    const result = await importRst(raw, file, { exists: (key) => repo.byImportKey(key) !== undefined, has: (id) => repo.has(id), createDraft: (d) => faq.createDraft(d) }).catch((err: unknown) => {
      throw err instanceof PandocError ? new CliError(err.message) : err;
    });
    console.log(importSentence(result));
    for (const c of result.created) console.log(`  created ${c.id}: ${c.title}`);
    for (const t of result.ignored) console.log(`  not an entry: ${t}`);
    return 0;
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('faq-import-rst.ts')) runCli(() => importRstCli(process.argv.slice(2)));
