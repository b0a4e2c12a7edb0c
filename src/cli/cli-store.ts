import type { Config } from '../config.ts';
import { openConfiguredStore, type Store } from '../lib/db.ts';
import { StoreLockedError } from '../lib/store/store-errors.ts';
import { migrate, StoreTooNewError } from '../lib/store/migrate.ts';
import { MIGRATIONS } from '../migrations/migrations.ts';

/** A message for the person at the terminal: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Command-line tasks open the store directly. The embedded store allows one process per data folder,
 * so they cannot run while the server does: say so plainly rather than print a lock error. On
 * PostgreSQL (DATABASE_URL) they run beside the servers, like one more instance.
 */
export async function openStoreForCli(config: Config): Promise<Store> {
  try {
    const store = await openConfiguredStore(config, { log: (m) => console.error(m), embedded: { compactIntervalMs: 0 } });
    try {
      await store.exclusive('data-migrations', () => migrate(store, MIGRATIONS, (m) => console.error(m)));
    } catch (err) {
      await store.close();
      throw err instanceof StoreTooNewError ? new CliError(err.message) : err;
    }
    return store;
  } catch (err) {
    if (err instanceof StoreLockedError) {
      throw new CliError(
        `The Onramp server is running on the data folder ${config.dataDir}, and only one process may use it at a time.\n` +
          'Stop the server, run this command again, then start the server.',
      );
    }
    throw err;
  }
}

/** Runs a CLI's main function and exits with its code; CliErrors print only their message. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof CliError ? err.message : err);
      process.exit(err instanceof CliError ? err.exitCode : 1);
    },
  );
}

/** `--name value` and `--name=value` options; anything else is positional. */
export function parseArgs(argv: string[]): { options: Map<string, string | true>; positional: string[] } {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(a);
    if (!m) positional.push(a);
    else if (m[2] !== undefined) options.set(m[1]!, m[2]);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options.set(m[1]!, argv[++i]!);
    else options.set(m[1]!, true);
  }
  return { options, positional };
}
