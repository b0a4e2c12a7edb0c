import { importMbox, type ImportResult } from '../faq/mbox-import.ts';
import { CliError, parseArgs, runCli } from './cli-store.ts';
import { readImportFile, withFaqDrafts } from './faq-drafts.ts';

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
  const raw = await readImportFile(file, MAX_BYTES, 'is larger than 512 MB; split it first.');
  return withFaqDrafts(env, async ({ repo, service }) => {
    const result = await importMbox(raw, { exists: (key) => repo.byImportKey(key) !== undefined, createDraft: (d) => service.createDraft(d) });
    console.log(importSummary(result));
    return 0;
  });
}

if (process.argv[1]?.endsWith('faq-import-mbox.ts')) runCli(() => importMboxCli(process.argv.slice(2)));
