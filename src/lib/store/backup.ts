import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.ts';
import { StoreCorruptError } from './store-errors.ts';

export interface BackupData {
  format: 'onramp-backup';
  version: 1;
  createdAt: string;
  collections: Record<string, [string, unknown][]>;
}

const BACKUP_RE = /^onramp-backup-[0-9TZ-]+\.json$/;

/** `collections` holds each record's JSON text; the file is assembled from it. */
export async function writeBackup(
  dir: string,
  collections: Record<string, [string, string][]>,
  keep: number,
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const createdAt = new Date().toISOString();
  const parts = Object.entries(collections).map(
    ([name, records]) => `${JSON.stringify(name)}:[${records.map(([k, s]) => `[${JSON.stringify(k)},${s}]`).join(',')}]`,
  );
  const text = `{"format":"onramp-backup","version":1,"createdAt":${JSON.stringify(createdAt)},"collections":{${parts.join(',')}}}`;
  const name = `onramp-backup-${createdAt.replace(/[:.]/g, '-')}.json`;
  const path = join(dir, name);
  await writeFileDurably(path, text);
  const all = (await readdir(dir)).filter((n) => BACKUP_RE.test(n)).sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await unlink(join(dir, old)).catch(() => {});
  return path;
}

/** Reads and checks a backup file before anything is restored from it. */
export async function readBackup(path: string, expected: string[]): Promise<BackupData> {
  const text = await readFile(path, 'utf8');
  let data: BackupData;
  try {
    data = JSON.parse(text) as BackupData;
  } catch (err) {
    throw new StoreCorruptError(path, `invalid JSON (${(err as Error).message})`);
  }
  if (data?.format !== 'onramp-backup' || data.version !== 1 || typeof data.collections !== 'object') {
    throw new StoreCorruptError(path, 'not an Onramp backup');
  }
  for (const name of expected) {
    const records = data.collections[name];
    if (records !== undefined && !Array.isArray(records)) throw new StoreCorruptError(path, `${name} is malformed`);
    for (const rec of records ?? []) {
      if (!Array.isArray(rec) || typeof rec[0] !== 'string' || typeof rec[1] !== 'object' || rec[1] === null) {
        throw new StoreCorruptError(path, `a record of ${name} is malformed`);
      }
    }
  }
  for (const name of Object.keys(data.collections)) {
    if (!expected.includes(name)) throw new StoreCorruptError(path, `unknown collection ${name}`);
  }
  return data;
}
