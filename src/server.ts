import { join } from 'node:path';
import type { Server } from 'node:http';
import { loadConfig, type Config } from './config.ts';
import { openConfiguredStore, type Store } from './lib/db.ts';
import { loadContent } from './content/content-loader.ts';
import { seedFaqIds } from './content/faq-seed.ts';
import { createApp, type App } from './app.ts';
import { StoreCorruptError, StoreLockedError, StoreUnavailableError } from './lib/store/store-errors.ts';
import { SchemaTooNewError } from './lib/store/pg/pg-migrate.ts';
import { migrate, StoreTooNewError } from './lib/store/migrate.ts';
import { MIGRATIONS } from './migrations/migrations.ts';
import { createLogger, messagesOf, type Logger } from './lib/logger.ts';

export interface Running {
  server: Server;
  store: Store;
  ports: App['ports'];
  url: string;
  stop: () => Promise<void>;
  shutdownMs: number;
}

/** Reads the environment, opens the store, loads content and listens. The only place that does. */
export async function start(config: Config = loadConfig(), logTo?: ((m: string) => void) | Logger): Promise<Running> {
  const started = performance.now();
  const logger = typeof logTo === 'object' ? logTo : createLogger(config.log);
  const log = typeof logTo === 'function' ? logTo : messagesOf(logger);
  // Where start-up time goes, for the ready line: operators and the benchmark read it.
  const phases: string[] = [];
  let mark = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases.push(`${name} ${Math.round(now - mark)}`);
    mark = now;
  };
  const store = await openConfiguredStore(config, { log });
  try {
    // Instances starting together on one database migrate its data once, one after the other.
    await store.exclusive('data-migrations', () => migrate(store, MIGRATIONS, log));
  } catch (err) {
    await store.close();
    throw err;
  }
  phase('store');
  const content = loadContent(config.contentDir, seedFaqIds(config.seedDir));
  phase('content');
  for (const p of content.problems) log(`content: ${p.file}:${p.line}: ${p.message} (skipped)`);
  const { app, ports, start: startFeatures, close, drain } = createApp({ config, store, content: { current: content }, log, logger });
  try {
    await startFeatures();
    phase('features');
  } catch (err) {
    await close();
    await store.close();
    throw err;
  }

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.baseUrl.replace(/:\d+$/, '') === config.baseUrl ? config.baseUrl : config.baseUrl.replace(/:\d+$/, `:${port}`);

  // PostgreSQL is backed up with pg_dump (see the README), not by each instance.
  const backupTimer = config.backup.intervalHours > 0 && store.kind === 'embedded'
    ? setInterval(() => void backup(), config.backup.intervalHours * 3_600_000).unref()
    : undefined;
  async function backup() {
    try {
      const file = await store.backup(join(config.dataDir, 'backups'), config.backup.keep);
      log(`backup written: ${file}`);
    } catch (err) {
      log(`backup failed: ${(err as Error).message}`);
    }
  }
  process.on('SIGUSR2', () => void backup());

  /**
   * A graceful stop, bounded by SHUTDOWN_TIMEOUT_SECONDS: /readyz turns 503 and answers say
   * `Connection: close` (the proxy sends new requests to other instances), the listener closes, live
   * streams end (their clients reconnect, through the proxy, elsewhere), requests in flight finish,
   * connections still open at the deadline are cut, and the store closes once its writes are durable.
   */
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const t0 = performance.now();
      log('stopping: finishing the requests in flight');
      if (backupTimer) clearInterval(backupTimer);
      drain();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await close(); // ends live streams first, or the server would wait for them
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), Math.max(0, config.shutdownMs - (performance.now() - t0)))));
      if ((await Promise.race([closed, deadline])) === 'deadline') {
        log('stopping: the deadline passed; cutting the connections still open');
        server.closeAllConnections();
        await closed;
      }
      clearTimeout(timer);
      await store.close();
      log(`stopped in ${Math.round(performance.now() - t0)} ms`);
    })());

  phase('listen');
  log(`Onramp is ready at ${url} (started in ${Math.round(performance.now() - started)} ms: ${phases.join(', ')} ms; data in ${dataPlace(config)})`);
  return { server, store, ports, url, stop, shutdownMs: config.shutdownMs };
}

/** Where the data lives, for the ready line: never the database password. */
function dataPlace(config: Config): string {
  if (!config.databaseUrl) return config.dataDir;
  const u = new URL(config.databaseUrl);
  return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/src\//, '/src/'));
if (isMain) {
  let loadedShutdownMs = 10_000;
  start().then(
    (running) => {
      loadedShutdownMs = running.shutdownMs;
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
          // Whatever happens, the process ends a little after the stop's own deadline.
          setTimeout(() => process.exit(1), loadedShutdownMs + 5000).unref();
          running.stop().then(() => process.exit(0), () => process.exit(1));
        });
      }
    },
    (err) => {
      if (err instanceof StoreCorruptError || err instanceof StoreLockedError || err instanceof StoreTooNewError || err instanceof SchemaTooNewError || err instanceof StoreUnavailableError) {
        console.error(`Onramp did not start.\n${err.message}`);
      }
      else console.error('Onramp did not start:', err instanceof Error && err.message.startsWith('Invalid configuration') ? err.message : err);
      process.exit(1);
    },
  );
}
