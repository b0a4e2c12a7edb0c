import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { openStore } from '../lib/db.ts';
import { lockOwner } from '../lib/store/lock.ts';

/**
 * `npm run backup`: a consistent snapshot in DATA_DIR/backups. If the server is running, it is asked
 * (SIGUSR2) to write one itself, since only the running process holds the store. On PostgreSQL
 * (DATABASE_URL) it says to use pg_dump instead.
 */
const config = loadConfig();

if (config.databaseUrl) {
  // Every instance shares the database: it is backed up by PostgreSQL's own tools, not by Onramp.
  const u = new URL(config.databaseUrl);
  const db = u.pathname.slice(1) || 'onramp';
  console.error(
    `Onramp runs on PostgreSQL (DATABASE_URL is set), so npm run backup has nothing to write: back up the database with pg_dump.\n` +
      `  pg_dump --format=custom --file=onramp-$(date +%F).dump '${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}/${db}'\n` +
      'Restore into an empty database with pg_restore --dbname=… FILE (the README, "Backups on PostgreSQL", says more).',
  );
  process.exit(1);
}
const storeDir = join(config.dataDir, 'store');
const backupDir = join(config.dataDir, 'backups');

async function newestBackup(): Promise<{ name: string; mtime: number } | undefined> {
  const names = (await readdir(backupDir).catch(() => [] as string[])).filter((n) => n.startsWith('onramp-backup-'));
  const stats = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(backupDir, name))).mtimeMs })));
  return stats.sort((a, b) => b.mtime - a.mtime)[0];
}

// The lock socket answers only while its server lives, so a reused pid is never signalled by mistake.
const pid = await lockOwner(storeDir);
if (pid) {
  const before = await newestBackup();
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await newestBackup();
    if (now && now.name !== before?.name) {
      console.log(`Backup written by the running server (pid ${pid}): ${join(backupDir, now.name)}`);
      break;
    }
    if (Date.now() > deadline) {
      console.error('The running server did not write a backup within 60 s; check its log.');
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
} else {
  const store = await openStore(storeDir);
  try {
    console.log(`Backup written: ${await store.backup(backupDir, config.backup.keep)}`);
  } finally {
    await store.close();
  }
}
