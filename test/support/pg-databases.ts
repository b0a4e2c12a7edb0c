import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import postgres from 'postgres';

const TEMPLATE_DB = 'onramp_template';
let admin: postgres.Sql | undefined;

/** Whether this run uses PostgreSQL (ONRAMP_TEST_STORE=pg, with the cluster of pg-global-setup.ts). */
export const onPostgres = () => process.env.ONRAMP_TEST_STORE === 'pg';

const base = () => {
  const port = inject('pgPort');
  if (!port) throw new Error('No PostgreSQL cluster in this run: set ONRAMP_TEST_STORE=pg');
  return `postgres://postgres@127.0.0.1:${port}`;
};

function adminSql(): postgres.Sql {
  admin ??= postgres(`${base()}/postgres`, { max: 1, idle_timeout: 2, onnotice: () => {} });
  return admin;
}

/** A new, empty database with Onramp's tables (a copy of the template); its address. */
export async function freshDatabase(): Promise<string> {
  const name = `onramp_t_${randomBytes(6).toString('hex')}`;
  await adminSql().unsafe(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  return `${base()}/${name}`;
}

/** Drops a database made by freshDatabase (whatever is still connected to it is cut off). */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^onramp_t_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  await adminSql().unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
