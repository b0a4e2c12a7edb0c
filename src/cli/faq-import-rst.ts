import { importRst, importSentence } from '../faq/rst-import.ts';
import { PandocError } from '../lib/pandoc.ts';
import { CliError, parseArgs, runCli } from './cli-store.ts';
import { readImportFile, withFaqDrafts } from './faq-drafts.ts';

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
  const raw = await readImportFile(file, RST_MAX_BYTES, 'is larger than 2 MB: that is not one troubleshooting page.');
  return withFaqDrafts(env, async ({ repo, service }) => {
    const result = await importRst(raw, file, { exists: (key) => repo.byImportKey(key) !== undefined, has: (id) => repo.has(id), createDraft: (d) => service.createDraft(d) }).catch((err: unknown) => {
      throw err instanceof PandocError ? new CliError(err.message) : err;
    });
    console.log(importSentence(result));
    for (const c of result.created) console.log(`  created ${c.id}: ${c.title}`);
    for (const t of result.ignored) console.log(`  not an entry: ${t}`);
    return 0;
  });
}

if (process.argv[1]?.endsWith('faq-import-rst.ts')) runCli(() => importRstCli(process.argv.slice(2)));
