import { join, resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { STORE_OPTIONS } from '../lib/db.ts';
import { restoreInto } from '../lib/store/restore.ts';

/** `npm run restore FILE`: validates a backup and loads it into a stopped instance. */
const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run restore -- FILE   (a file from DATA_DIR/backups)');
  process.exit(2);
}
const config = loadConfig();
try {
  const count = await restoreInto(join(config.dataDir, 'store'), resolve(file), { ...STORE_OPTIONS, log: () => {} });
  console.log(`Restored ${count} records from ${file}. The previous data files were moved to ${join(config.dataDir, 'store')}/pre-restore-*.`);
} catch (err) {
  console.error(`Restore failed; nothing was changed unless said above.\n${(err as Error).message}`);
  process.exit(1);
}
