import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { createUsersRepository } from '../auth/users-repository.ts';
import { createFaqRepository } from '../faq/faq-repository.ts';
import { createPeople } from '../faq/faq-people.ts';
import { exportFaq } from '../faq/faq-export.ts';
import { exportFaqRst } from '../faq/faq-export-rst.ts';
import { PandocError } from '../lib/pandoc.ts';
import { CliError, openStoreForCli, parseArgs, runCli } from './cli-store.ts';

const USAGE = 'Usage: npm run faq:export -- [--format md|rst] DIR';

/**
 * `npm run faq:export -- [--format md|rst] DIR`: the approved entries by install phase, as Markdown
 * (one file per entry and an index.md; the default) or as reStructuredText for the StarlingX docs
 * (one page per phase and an index.rst with a toctree; converted by pandoc).
 */
export async function exportFaqCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { options, positional } = parseArgs(argv);
  const dir = positional[0];
  const format = options.get('format') ?? 'md';
  if (!dir || (format !== 'md' && format !== 'rst')) throw new CliError(USAGE, 2);
  const config = loadConfig(env);
  const store = await openStoreForCli(config);
  let files: Map<string, string>;
  try {
    const users = createUsersRepository(store);
    const people = createPeople({ name: (id) => users.peek(id)?.username ?? 'a former member' });
    const entries = createFaqRepository(store).all();
    files = format === 'rst' ? await exportFaqRst(entries, people, { baseUrl: config.baseUrl }).catch(rethrowPandoc) : exportFaq(entries, people);
  } finally {
    await store.close();
  }
  const root = resolve(dir);
  for (const [rel, text] of files) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  const index = format === 'rst' ? 'index.rst' : 'index.md';
  console.log(format === 'rst' ? `Wrote ${files.size - 1} pages and ${index} to ${root}` : `Wrote ${files.size - 1} entries and ${index} to ${root}`);
  return 0;
}

function rethrowPandoc(err: unknown): never {
  throw err instanceof PandocError ? new CliError(err.message) : err;
}

if (process.argv[1]?.endsWith('faq-export.ts')) runCli(() => exportFaqCli(process.argv.slice(2)));
