import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { readBackup } from './backup.ts';
import { syncDirectory } from './durable-file.ts';
import { acquireLock } from './lock.ts';
import { EmbeddedStore, type StoreOptions } from './store.ts';

/**
 * Replaces the data of a stopped instance with a validated backup. The files it replaces are moved
 * into `pre-restore-<time>/` inside the data folder, never deleted.
 */
export async function restoreInto(dir: string, backupFile: string, options: StoreOptions): Promise<number> {
  const data = await readBackup(backupFile, Object.keys(options.collections));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const release = await acquireLock(dir);
  const aside = join(dir, `pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  try {
    const names = (await readdir(dir)).filter((n) => /^[a-z][a-zA-Z]*\.\d{2}\.json$|^journal-\d{8}\.log$/.test(n));
    await mkdir(aside, { mode: 0o700 });
    for (const name of names) await rename(join(dir, name), join(aside, name));
    await syncDirectory(dir);
  } finally {
    await release();
  }
  const store = await EmbeddedStore.open(dir, { ...options, compactIntervalMs: 0 });
  let count = 0;
  try {
    for (const [name, records] of Object.entries(data.collections)) {
      for (let i = 0; i < records.length; i += 2000) {
        const chunk = records.slice(i, i + 2000).map(([k, v]) => ({ c: name, k, v }));
        await store.commit(chunk);
        count += chunk.length;
      }
    }
  } finally {
    await store.close();
  }
  return count;
}
