import { rmSync } from 'node:fs';
import { tempDir } from './temp.ts';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig, type Config } from '../../src/config.ts';
import { openConfiguredStore, type Store } from '../../src/lib/db.ts';
import { dropDatabase, freshDatabase, onPostgres } from './pg-databases.ts';
import { migrate } from '../../src/lib/store/migrate.ts';
import { MIGRATIONS } from '../../src/migrations/migrations.ts';
import { loadContent } from '../../src/content/content-loader.ts';
import { seedFaqIds } from '../../src/content/faq-seed.ts';
import { createApp, type App, type AppDeps } from '../../src/app.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { Role } from '../../src/lib/web/roles.ts';
import type { Express } from 'express';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export interface TestApp {
  app: Express;
  store: Store;
  ports: App['ports'];
  config: Config;
  dir: string;
  /** The app's PostgreSQL database (ONRAMP_TEST_STORE=pg), or undefined on the embedded store. */
  databaseUrl?: string;
  /** Every line the app logged (JSON, as in production), newest last; the last 2,000 are kept. */
  logs(): string[];
  /** What a stopping server does first: /readyz turns 503 and answers close their connections. */
  drain(): void;
  /** Closes the store and opens a new app on the same data folder, as a restart would (with other settings if given). */
  restart(env?: Record<string, string>): Promise<TestApp>;
  /** Stops the app and closes the store, keeping the data folder (for a command-line task to open it). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    CONTENT_DIR: join(FIXTURES, 'workshops'),
    SEED_DIR: join(FIXTURES, 'seed'),
    BASE_URL: 'http://127.0.0.1:3000',
    RATE_LIMIT_LOGIN: '1000',
    RATE_LIMIT_SIGNUP: '1000',
    RATE_LIMIT_SUBMIT: '1000',
    RATE_LIMIT_JOIN: '1000',
    RATE_LIMIT_FEEDBACK: '1000',
    BACKUP_INTERVAL_HOURS: '0',
    ...env,
  });
}

const databaseOf = new Map<string, string>();

export interface StoreChoice {
  /** Open this database (another instance of the same site) instead of a new one. */
  databaseUrl?: string;
  /** Use the embedded store even in a PostgreSQL run (a test of the data folder itself). */
  embedded?: boolean;
  /** Drop the database when the app closes (the one that made it does). */
  ownsDatabase?: boolean;
}

/**
 * The real app on a real store in a fresh temp folder, with the fixture content. The store is the
 * embedded one, or with ONRAMP_TEST_STORE=pg a new PostgreSQL database of the run's cluster.
 */
export async function buildApp(env: Record<string, string> = {}, dir = tempDir('test'), overrides?: AppDeps['overrides'], choice: StoreChoice = {}): Promise<TestApp> {
  // An app built again on a folder of this file (a restart by hand) finds its database again.
  const databaseUrl = choice.databaseUrl ?? (choice.embedded || !onPostgres() ? undefined : (databaseOf.get(dir) ?? (await freshDatabase())));
  const ownsDatabase = choice.ownsDatabase ?? (!choice.databaseUrl && databaseUrl !== undefined);
  if (databaseUrl && ownsDatabase) databaseOf.set(dir, databaseUrl);
  const config = testConfig(dir, { ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env });
  const store = await openConfiguredStore(config, { log: () => {}, pg: { pollMs: 200 } });
  await store.exclusive('data-migrations', () => migrate(store, MIGRATIONS, () => {}));
  const content = loadContent(config.contentDir, seedFaqIds(config.seedDir));
  if (content.problems.length) throw new Error(`fixture content is broken: ${JSON.stringify(content.problems)}`);
  // The app logs as in production (JSON lines); tests read them with t.logs(), and TEST_LOG=1 shows them
  // (e.g. the cause of a 500) while debugging a test.
  const lines: string[] = [];
  const logger = createLogger({
    level: config.log.level,
    format: 'json',
    destination: {
      write(line: string) {
        lines.push(line);
        if (lines.length > 2000) lines.shift();
        if (process.env.TEST_LOG) process.stderr.write(line);
      },
    },
  });
  const { app, ports, start, close, drain } = createApp({ config, store, content: { current: content }, overrides, logger });
  try {
    await start();
  } catch (err) {
    // A start-up refusal (e.g. a setting that cannot work) must not leave the store open and locked.
    await close();
    await store.close();
    throw err;
  }
  let closed = false;
  const closeAll = async () => {
    if (closed) return;
    closed = true;
    await close();
    await store.close();
  };
  return {
    app,
    store,
    ports,
    config,
    dir,
    databaseUrl,
    logs: () => [...lines],
    drain,
    async restart(nextEnv = env) {
      await closeAll();
      return buildApp(nextEnv, dir, overrides, { ...choice, databaseUrl, ownsDatabase });
    },
    stop: closeAll,
    async close() {
      await closeAll();
      rmSync(dir, { recursive: true, force: true });
      if (databaseUrl && ownsDatabase) {
        databaseOf.delete(dir);
        await dropDatabase(databaseUrl);
      }
    },
  };
}

/** Pulls the CSRF token out of a rendered form. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1]!;
}

/** Signs up through the real form and returns the logged-in agent. */
export async function signUp(app: Express, username: string, password = 'correct horse battery'): Promise<request.Agent> {
  const agent = request.agent(app);
  const page = await agent.get('/signup');
  const res = await agent.post('/signup').type('form').send({ _csrf: csrfFrom(page.text), username, password });
  if (res.status !== 302) throw new Error(`signup failed: ${res.status} ${res.text.slice(0, 300)}`);
  return agent;
}

export async function logIn(app: Express, username: string, password = 'correct horse battery'): Promise<request.Agent> {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username, password });
  if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  return agent;
}

/** Creates a user through the API and returns a bearer token for it. */
export async function apiUser(app: Express, username: string, password = 'correct horse battery'): Promise<string> {
  await request(app).post('/api/users').send({ username, password }).expect(201);
  const res = await request(app).post('/api/tokens').send({ username, password, name: 'test' }).expect(201);
  return res.body.token as string;
}

/** Gives an existing account a role, as an admin would (its sessions end, so sign in again after). */
export async function setRole(t: Pick<TestApp, 'ports'>, username: string, role: Role): Promise<void> {
  const u = t.ports.users.byUsername(username);
  if (!u) throw new Error(`no user ${username}`);
  await t.ports.users.update({ ...u, role });
}
