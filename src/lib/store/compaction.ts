import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { syncDirectory } from './durable-file.ts';
import { journalName } from './journal.ts';
import type { Records } from './records.ts';
import { openShard, shardPath } from './shard-file.ts';

/**
 * Writes the shards that changed since the last compaction (one at a time, yielding to the event loop
 * between them), then deletes the journals they now cover. The caller has rotated the journal first,
 * so new writes go to a fresh one meanwhile; replaying that over newer shards is harmless because every
 * op is a whole put or a delete. On failure the shards stay dirty and the journals stay.
 */
export async function compactShards(dir: string, records: Records, coveredGens: number[]): Promise<void> {
  const dirty = records.dirty;
  records.dirty = new Set();
  try {
    for (const id of dirty) {
      const [name, no] = id.split('#') as [string, string];
      const file = openShard(shardPath(dir, name, Number(no)), name, Number(no));
      file.data.records = records.shardEntries(name, Number(no));
      await file.write();
      await yieldToLoop();
    }
  } catch (err) {
    for (const id of dirty) records.dirty.add(id);
    throw err;
  }
  for (const gen of coveredGens) await unlink(join(dir, journalName(gen))).catch(() => {});
  await syncDirectory(dir);
}
