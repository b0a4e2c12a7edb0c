import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { openPgStore, STORE_OPTIONS } from '../lib/db.ts';
import { readBackup } from '../lib/store/backup.ts';
import { migrate, StoreTooNewError } from '../lib/store/migrate.ts';
import type { Op } from '../lib/store/store-api.ts';
import { StoreCorruptError } from '../lib/store/store-errors.ts';
import { MIGRATIONS } from '../migrations/migrations.ts';
import { CliError, parseArgs, runCli } from './cli-store.ts';

const USAGE = 'Usage: DATABASE_URL=postgres://… npm run migrate-to-pg -- BACKUP_FILE [--into-non-empty]';

/** Records per transaction: small enough for the store's time limit, large enough to be quick. */
const CHUNK = 500;

/**
 * `npm run migrate-to-pg -- BACKUP_FILE`: loads a backup of the embedded store (`npm run backup`, a
 * file in DATA_DIR/backups) into the PostgreSQL database of DATABASE_URL, then brings its data to
 * this version's schema. Run it before the first Onramp instance starts on that database: it refuses a
 * database that already holds records (an instance that started there seeded the FAQ, for one) unless
 * given --into-non-empty, which writes the backup's records over the ones with the same keys and
 * keeps the others.
 */
export async function migrateToPg(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { options, positional } = parseArgs(argv);
  const file = positional[0];
  if (!file || positional.length > 1) throw new CliError(USAGE, 2);
  const config = loadConfig(env);
  if (!config.databaseUrl) throw new CliError(`Set DATABASE_URL to the PostgreSQL database to load the backup into.\n${USAGE}`, 2);
  let data;
  try {
    data = await readBackup(resolve(file), Object.keys(STORE_OPTIONS.collections));
  } catch (err) {
    if (err instanceof StoreCorruptError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`Nothing was loaded: ${(err as Error).message}`);
    throw err;
  }
  const store = await openPgStore(config.databaseUrl, { log: (m) => console.error(m), timeoutMs: 60_000 });
  try {
    // The schema stamp of an instance that started on the empty database does not count as data.
    const held = Object.keys(STORE_OPTIONS.collections).filter((c) => c !== 'meta' && store.count(c) > 0);
    if (held.length && !options.has('into-non-empty')) {
      throw new CliError(
        `The database already holds records (${held.map((c) => `${c}: ${store.count(c)}`).join(', ')}); nothing was loaded.\n` +
          'Load the backup into an empty database (before any Onramp instance starts on it), or add --into-non-empty to write its records over these.',
      );
    }
    let count = 0;
    for (const [c, records] of Object.entries(data.collections)) {
      for (let i = 0; i < records.length; i += CHUNK) {
        const ops: Op[] = records.slice(i, i + CHUNK).map(([k, v]) => ({ c, k, v }));
        // A transaction: over a non-empty database, records changed meanwhile are read again.
        await store.transact(() => ops);
        count += ops.length;
      }
    }
    const version = await store.exclusive('data-migrations', () => migrate(store, MIGRATIONS, (m) => console.log(m)));
    console.log(`Loaded ${count} records from ${file} into PostgreSQL (data schema ${version}). Start Onramp with this DATABASE_URL.`);
    return 0;
  } catch (err) {
    throw err instanceof StoreTooNewError ? new CliError(err.message) : err;
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('migrate-to-pg.ts')) runCli(() => migrateToPg(process.argv.slice(2)));
