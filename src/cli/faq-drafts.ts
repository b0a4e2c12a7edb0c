import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { loadContent } from '../content/content-loader.ts';
import { createCatalog } from '../workshops/catalog.ts';
import { createFaqRepository, type FaqRepository } from '../faq/faq-repository.ts';
import { createFaqService, type FaqService } from '../faq/faq-service.ts';
import { createSearchService } from '../search/search-service.ts';
import { CliError, openStoreForCli } from './cli-store.ts';

/** The file an import reads, whole; a clear message when it is missing, unreadable or larger than it should be. */
export async function readImportFile(file: string, maxBytes: number, tooLarge: string): Promise<string> {
  const raw = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (raw.length > maxBytes) throw new CliError(`${file} ${tooLarge}`);
  return raw;
}

/**
 * Runs an import against the FAQ of the data folder the settings name (the server must be stopped):
 * the repository to check what was imported before, and the service that creates drafts for review.
 */
export async function withFaqDrafts<T>(env: NodeJS.ProcessEnv, work: (faq: { repo: FaqRepository; service: FaqService }) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const store = await openStoreForCli(config);
  try {
    const content = { current: loadContent(config.contentDir) };
    const repo = createFaqRepository(store);
    // Drafts from an import have no author to promote.
    const service = createFaqService({ repo, search: createSearchService({ content }), accounts: { grantContributor: async () => {} }, catalog: createCatalog(content) });
    return await work({ repo, service });
  } finally {
    await store.close();
  }
}
