import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { loadContent } from '../content/content-loader.ts';
import { createCatalog } from '../workshops/catalog.ts';
import { createFaqRepository } from '../faq/faq-repository.ts';
import { createFaqService } from '../faq/faq-service.ts';
import { createSearchService } from '../search/search-service.ts';
import { importMbox, type ImportResult } from '../faq/mbox-import.ts';
import { CliError, openStoreForCli, parseArgs, runCli } from './cli-store.ts';

const MAX_BYTES = 512 * 1024 * 1024;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the import did, for the terminal: counts on one line, then one line per message it skipped. */
export function importSummary(result: ImportResult): string {
  const lines = [
    `${plural(result.created.length, 'draft')} created in the review queue` +
      `${result.created.length ? ` (${result.created.join(', ')})` : ''}; ` +
      `${plural(result.skipped, 'thread')} imported before; ${result.ignored} not install questions` +
      `${result.failed.length ? `; ${result.failed.length} skipped because of errors:` : '.'}`,
    ...result.failed.map((f) => `  skipped ${f.message}: ${f.reason}`),
  ];
  return lines.join('\n');
}

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
    console.log(importSummary(result));
    return 0;
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('faq-import-mbox.ts')) runCli(() => importMboxCli(process.argv.slice(2)));
