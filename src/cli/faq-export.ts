import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { createUsersRepository } from '../auth/users-repository.ts';
import { createFaqRepository } from '../faq/faq-repository.ts';
import { createPeople } from '../faq/faq-people.ts';
import { exportFaq } from '../faq/faq-export.ts';
import { CliError, openStoreForCli, parseArgs, runCli } from './cli-store.ts';

/** `npm run faq:export DIR`: the approved entries as Markdown, by install phase, with an index.md. */
export async function exportFaqCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const dir = parseArgs(argv).positional[0];
  if (!dir) throw new CliError('Usage: npm run faq:export DIR', 2);
  const config = loadConfig(env);
  const store = await openStoreForCli(config);
  let files: Map<string, string>;
  try {
    const users = createUsersRepository(store);
    files = exportFaq(createFaqRepository(store).all(), createPeople({ name: (id) => users.peek(id)?.username ?? 'a former member' }));
  } finally {
    await store.close();
  }
  const root = resolve(dir);
  for (const [rel, text] of files) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  console.log(`Wrote ${files.size - 1} entries and index.md to ${root}`);
  return 0;
}

if (process.argv[1]?.endsWith('faq-export.ts')) runCli(() => exportFaqCli(process.argv.slice(2)));
