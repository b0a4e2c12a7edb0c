import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { loadContent } from '../content/content-loader.ts';
import { createCatalog } from '../workshops/catalog.ts';
import { createFaqRepository } from '../faq/faq-repository.ts';
import { createFaqService } from '../faq/faq-service.ts';
import { createSearchService } from '../search/search-service.ts';
import { importMbox } from '../faq/mbox-import.ts';
import { CliError, openStoreForCli, parseArgs, runCli } from './cli-store.ts';

const MAX_BYTES = 512 * 1024 * 1024;

/** `npm run faq:import-mbox FILE`: install-question threads become drafts in the review queue. */
export async function importMboxCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const file = parseArgs(argv).positional[0];
  if (!file) throw new CliError('Usage: npm run faq:import-mbox FILE', 2);
  const raw = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (raw.length > MAX_BYTES) throw new CliError(`${file} is larger than 512 MB; split it first.`);
  const config = loadConfig(env);
  const store = await openStoreForCli(config);
  try {
    const content = { current: loadContent(config.contentDir) };
    const repo = createFaqRepository(store);
    // Drafts from an import have no author to promote.
    const faq = createFaqService({ repo, search: createSearchService({ content }), accounts: { grantContributor: async () => {} }, catalog: createCatalog(content) });
    const result = await importMbox(raw, { exists: (key) => repo.byImportKey(key) !== undefined, createDraft: (d) => faq.createDraft(d) });
    console.log(
      `${result.created.length} draft${result.created.length === 1 ? '' : 's'} created in the review queue` +
        `${result.created.length ? ` (${result.created.join(', ')})` : ''}; ` +
        `${result.skipped} thread${result.skipped === 1 ? '' : 's'} imported before; ${result.ignored} not install questions.`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('faq-import-mbox.ts')) runCli(() => importMboxCli(process.argv.slice(2)));
