import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from 'postgres';
import type { TableLayout } from './pg-schema.ts';

const DIR = join(import.meta.dirname, 'migrations');
const FILE_RE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** The database was set up by a newer Onramp: starting on it could lose what the newer code stores. */
export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `The database was set up by a newer Onramp (schema ${found}; this version knows up to ${known}). ` +
        'Onramp will not start on it and has not changed it: run the newer version.',
    );
    this.name = 'SchemaTooNewError';
  }
}

export function schemaFiles(): { version: number; name: string; path: string }[] {
  return readdirSync(DIR)
    .map((name) => ({ name, m: FILE_RE.exec(name) }))
    .filter((f) => f.m)
    .map((f) => ({ version: Number(f.m![1]), name: f.name, path: join(DIR, f.name) }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies the numbered SQL files not applied yet, each in its own transaction, under an advisory lock:
 * instances that start at the same moment wait for each other, and each file runs once.
 */
export async function migrateSchema(sql: Sql, log: (m: string) => void): Promise<number> {
  const files = schemaFiles();
  const known = files.at(-1)?.version ?? 0;
  const conn = await sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(hashtext('onramp:schema'))`;
    await conn`CREATE TABLE IF NOT EXISTS onramp_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await conn`SELECT version FROM onramp_schema`).map((r) => r.version as number));
    const newest = Math.max(0, ...done);
    if (newest > known) throw new SchemaTooNewError(newest, known);
    for (const file of files) {
      if (done.has(file.version)) continue;
      await conn.unsafe('BEGIN');
      try {
        await conn.unsafe(readFileSync(file.path, 'utf8'));
        await conn`INSERT INTO onramp_schema (version, name) VALUES (${file.version}, ${file.name})`;
        await conn.unsafe('COMMIT');
      } catch (err) {
        await conn.unsafe('ROLLBACK').catch(() => {});
        throw new Error(`Database schema migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
      }
      log(`store: database schema migrated to ${file.version} (${file.name})`);
    }
    return known;
  } finally {
    await conn`SELECT pg_advisory_unlock(hashtext('onramp:schema'))`.catch(() => {});
    conn.release();
  }
}

/** Start-up check that the tables have the columns this code writes: a clear message beats a failed write later. */
export async function checkTables(sql: Sql, layouts: Iterable<TableLayout>): Promise<void> {
  const rows = await sql`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`;
  const have = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  const missing: string[] = [];
  for (const t of layouts) {
    for (const col of ['key', 'doc', 'version', ...t.columns.map((c) => c.name)]) if (!have.has(`${t.table}.${col}`)) missing.push(`${t.table}.${col}`);
  }
  if (missing.length) {
    throw new Error(`The database lacks columns this version of Onramp writes (${missing.slice(0, 5).join(', ')}): add a migration in src/lib/store/pg/migrations/.`);
  }
}
