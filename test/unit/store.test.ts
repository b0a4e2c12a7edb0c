import { describe, it, expect, afterEach } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedStore as Store, type StoreOptions } from '../../src/lib/store/store.ts';
import { restoreInto } from '../../src/lib/store/restore.ts';
import { StoreCorruptError, StoreLockedError, StoreWriteError } from '../../src/lib/store/store-errors.ts';

const OPTIONS: StoreOptions = {
  collections: {
    items: { shards: 4, indexes: { name: (v: { name: string }) => v.name }, groups: { owner: (v: { owner?: string }) => v.owner } },
    other: { shards: 1 },
  },
  compactIntervalMs: 0,
  log: () => {},
};

const open: Store[] = [];
/** The lock goes with a killed process (the kernel closes its socket); the test's store keeps running. */
const releaseAsIfKilled = (s: Store) => (s as unknown as { releaseLock: () => Promise<void> }).releaseLock();
async function openStore(dir: string, options = OPTIONS): Promise<Store> {
  const s = await Store.open(dir, options);
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
});
const tmp = () => tempDir('store');

describe('store', () => {
  it('when writes are acknowledged, then a reopened store has them, from the journal or the shards', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    await s.commit([{ c: 'items', k: 'a', v: { name: 'alpha' } }]);
    await s.commit([{ c: 'items', k: 'b', v: { name: 'beta' } }, { c: 'other', k: 'x', v: { n: 1 } }]);
    await s.commit([{ c: 'items', k: 'a', v: null }]);
    // simulate a crash: no close, no compaction; release the lock the way a dead process would
    (s as unknown as { closed: boolean }).closed = true;
    await releaseAsIfKilled(s);
    const again = await openStore(dir);
    expect(again.get('items', 'a')).toBeUndefined();
    expect(again.get('items', 'b')).toEqual({ name: 'beta' });
    expect(again.lookup('items', 'name', 'beta')).toBe('b');
    expect(again.lookup('items', 'name', 'alpha')).toBeUndefined();
    await again.close();
    open.pop();
    expect(readdirSync(dir).filter((n) => n.startsWith('journal-')).length).toBe(1);
    const third = await openStore(dir);
    expect(third.get('other', 'x')).toEqual({ n: 1 });
    expect(third.count('items')).toBe(1);
  });

  it('when a record is peeked, then readers share one frozen copy until the record changes', async () => {
    const s = await openStore(tmp());
    await s.commit([{ c: 'items', k: 'a', v: { name: 'alpha', tags: ['x'] } }]);
    const first = s.peek<{ name: string; tags: string[] }>('items', 'a')!;
    expect(s.peek('items', 'a')).toBe(first);
    expect(() => {
      (first as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => (first.tags as string[]).push('y')).toThrow(TypeError);
    const copy = s.get<{ name: string }>('items', 'a')!;
    copy.name = 'mine';
    expect(s.peek('items', 'a')).toEqual({ name: 'alpha', tags: ['x'] });
    await s.commit([{ c: 'items', k: 'a', v: { name: 'beta', tags: [] } }]);
    expect(s.peek('items', 'a')).toEqual({ name: 'beta', tags: [] });
    await s.commit([{ c: 'items', k: 'a', v: null }]);
    expect(s.peek('items', 'a')).toBeUndefined();
  });

  it('when 200 writes arrive at once, then they share a handful of disk syncs', async () => {
    const s = await openStore(tmp());
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.commit([{ c: 'items', k: `k${i}`, v: { name: `n${i}` } }])));
    expect(s.count('items')).toBe(200);
    expect(s.stats.batches).toBeLessThanOrEqual(3);
  });

  it('when a value cannot be serialized (too deep, BigInt), then it is refused and nothing changes', async () => {
    const s = await openStore(tmp());
    let deep: unknown = {};
    for (let i = 0; i < 20_000; i++) deep = { d: deep };
    await expect(s.commit([{ c: 'items', k: 'p', v: { name: 'p', deep } }])).rejects.toThrow();
    await expect(s.commit([{ c: 'items', k: 'q', v: { name: 'q', n: 1n } }])).rejects.toThrow();
    expect(s.get('items', 'p')).toBeUndefined();
    await s.commit([{ c: 'items', k: 'ok', v: { name: 'ok' } }]);
    await s.compact();
    expect(s.get('items', 'ok')).toEqual({ name: 'ok' });
  });

  it('when compacting, then only changed shards are rewritten, files are 0600 and covered journals go away', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    await s.commit([{ c: 'items', k: 'a', v: { name: 'a' } }]);
    await s.compact();
    const shardFiles = readdirSync(dir).filter((n) => n.endsWith('.json'));
    const before = new Map(shardFiles.map((f) => [f, statSync(join(dir, f)).mtimeMs]));
    await new Promise((r) => setTimeout(r, 20));
    await s.commit([{ c: 'other', k: 'x', v: { n: 2 } }]);
    await s.compact();
    const after = readdirSync(dir).filter((n) => n.endsWith('.json'));
    const changed = after.filter((f) => statSync(join(dir, f)).mtimeMs !== before.get(f));
    expect(shardFiles).toHaveLength(1);
    expect(changed).toEqual(['other.00.json']);
    for (const f of readdirSync(dir).filter((n) => n !== 'onramp.lock')) {
      expect(statSync(join(dir, f)).mode & 0o077).toBe(0);
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('journal-'))).toHaveLength(1);
  });

  it('when compaction runs while writes keep arriving, then every acknowledged write survives a reopen and no journal is lost', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    let acked = 0;
    const writer = (async () => {
      for (let i = 0; i < 400; i++) {
        await s.commit([{ c: 'items', k: `k${i}`, v: { name: `n${i}` } }]);
        acked = i + 1;
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    const compactions = (async () => {
      for (let i = 0; i < 8; i++) {
        await s.compact();
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await Promise.all([writer, compactions]);
    expect(acked).toBe(400);
    expect(s.stats.compactions).toBeGreaterThanOrEqual(2);
    await s.close();
    const again = await openStore(dir);
    for (let i = 0; i < 400; i++) expect(again.get<{ name: string }>('items', `k${i}`), `k${i}`).toEqual({ name: `n${i}` });
  });

  it('when writes never stop long enough for the queue to empty, then the journal is still compacted once it passes its size', async () => {
    const dir = tmp();
    const s = await openStore(dir, { ...OPTIONS, compactBytes: 4_000 });
    // A hundred writers that each send their next write as soon as the last is acknowledged: batches
    // of a hundred are acknowledged in slices, and the next writes join the queue in between.
    await Promise.all(Array.from({ length: 100 }, async (_, w) => {
      for (let i = 0; i < 20; i++) await s.commit([{ c: 'items', k: `w${w}-${i}`, v: { name: `w${w}-${i}` } }]);
    }));
    // Read as soon as the last write is acknowledged, before the queue's first idle moment could start one.
    expect(s.stats.compactions).toBeGreaterThanOrEqual(1);
    await s.close();
    const again = await openStore(dir);
    expect(again.count('items')).toBe(2_000);
  });

  it('when the store closes while a compaction is running, then it leaves every write in the shards and an empty journal', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    for (let i = 0; i < 50; i++) await s.commit([{ c: 'items', k: `a${i}`, v: { name: `a${i}` } }]);
    const running = s.compact(); // as the size trigger starts one in the background during a burst
    await s.commit([{ c: 'items', k: 'late', v: { name: 'written while compacting' } }]);
    await s.close();
    await running;
    const journals = readdirSync(dir).filter((n) => n.startsWith('journal-'));
    expect(journals.map((f) => statSync(join(dir, f)).size)).toEqual([0]);
    const shards = readdirSync(dir).filter((n) => n.startsWith('items.')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    expect(shards).toContain('written while compacting');
  });

  it('when records share a group value, then keysOf finds them all and follows changes and deletes', async () => {
    const s = await openStore(tmp());
    await s.commit([
      { c: 'items', k: 't1', v: { name: 't1', owner: 'ann' } },
      { c: 'items', k: 't2', v: { name: 't2', owner: 'ann' } },
      { c: 'items', k: 't3', v: { name: 't3', owner: 'bob' } },
    ]);
    expect(s.keysOf('items', 'owner', 'ann').sort()).toEqual(['t1', 't2']);
    await s.commit([{ c: 'items', k: 't2', v: { name: 't2', owner: 'bob' } }, { c: 'items', k: 't1', v: null }]);
    expect(s.keysOf('items', 'owner', 'ann')).toEqual([]);
    expect(s.keysOf('items', 'owner', 'bob').sort()).toEqual(['t2', 't3']);
  });

  for (const [label, content] of [
    ['empty', ''],
    ['half-written', '{"format":"onramp-shard","version":1,"collection":"items","shard":0,"records":[["a",{"na'],
    ['NUL-filled', '\0'.repeat(4096)],
  ] as const) {
    it(`when a data file is ${label}, then start-up stops naming the file, and the file is left untouched`, async () => {
      const dir = tmp();
      const s = await openStore(dir);
      await s.commit([{ c: 'items', k: 'a', v: { name: 'a' } }]);
      await s.close();
      open.pop();
      const file = join(dir, 'items.00.json');
      writeFileSync(file, content);
      const err = await Store.open(dir, OPTIONS).catch((e) => e);
      expect(err).toBeInstanceOf(StoreCorruptError);
      expect(err.message).toContain('items.00.json');
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(existsSync(join(dir, 'onramp.lock'))).toBe(false);
    });
  }

  it('when the journal ends in an unfinished line, then it is ignored; a damaged complete line stops start-up', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    await s.commit([{ c: 'items', k: 'a', v: { name: 'a' } }]);
    (s as unknown as { closed: boolean }).closed = true;
    await releaseAsIfKilled(s);
    const journal = readdirSync(dir).find((n) => n.startsWith('journal-'))!;
    writeFileSync(join(dir, journal), readFileSync(join(dir, journal), 'utf8') + '0badc0de [{"c":"items","k":"b"');
    const again = await openStore(dir);
    expect(again.get('items', 'a')).toEqual({ name: 'a' });
    expect(again.get('items', 'b')).toBeUndefined();
    (again as unknown as { closed: boolean }).closed = true;
    open.pop();
    await releaseAsIfKilled(again);
    const text = readFileSync(join(dir, journal), 'utf8').replace('"a"', '"z"');
    writeFileSync(join(dir, journal), text);
    await expect(Store.open(dir, OPTIONS)).rejects.toThrow(/checksum/);
  });

  it('when a second store opens the same folder, then it refuses', async () => {
    const dir = tmp();
    await openStore(dir);
    await expect(Store.open(dir, OPTIONS)).rejects.toBeInstanceOf(StoreLockedError);
  });

  it('when the disk refuses a write, then the batch is undone, the caller gets StoreWriteError, and the next write works', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    await s.commit([{ c: 'items', k: 'a', v: { name: 'a' } }]);
    const probe = await openFile(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const original = proto.datasync;
    proto.datasync = function () {
      proto.datasync = original;
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    };
    const failed = s.commit([{ c: 'items', k: 'a', v: { name: 'changed' } }, { c: 'items', k: 'b', v: { name: 'b' } }]);
    expect(s.peek('items', 'a')).toEqual({ name: 'changed' }); // visible while the batch is in flight
    await expect(failed).rejects.toBeInstanceOf(StoreWriteError);
    expect(s.get('items', 'a')).toEqual({ name: 'a' });
    expect(s.peek('items', 'a')).toEqual({ name: 'a' });
    expect(s.get('items', 'b')).toBeUndefined();
    expect(s.lookup('items', 'name', 'a')).toBe('a');
    await s.commit([{ c: 'items', k: 'c', v: { name: 'c' } }]);
    (s as unknown as { closed: boolean }).closed = true;
    open.pop();
    await releaseAsIfKilled(s);
    const again = await openStore(dir);
    expect(again.get('items', 'a')).toEqual({ name: 'a' });
    expect(again.get('items', 'b')).toBeUndefined();
    expect(again.get('items', 'c')).toEqual({ name: 'c' });
  });

  it('when a backup is restored into a stopped instance, then its data replaces the old data, which is kept aside', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    await s.commit([{ c: 'items', k: 'a', v: { name: 'a' } }]);
    const file = await s.backup(tempDir('store-backups'));
    await s.commit([{ c: 'items', k: 'b', v: { name: 'b' } }]);
    await s.close();
    open.pop();
    expect(await restoreInto(dir, file, OPTIONS)).toBe(1);
    const restored = await openStore(dir);
    expect(restored.get('items', 'a')).toEqual({ name: 'a' });
    expect(restored.get('items', 'b')).toBeUndefined();
    expect(readdirSync(dir).some((n) => n.startsWith('pre-restore-'))).toBe(true);
  });

  it('when a backup file is damaged, then restore refuses before touching anything', async () => {
    const dir = tmp();
    const s = await openStore(dir);
    await s.commit([{ c: 'items', k: 'a', v: { name: 'a' } }]);
    await s.close();
    open.pop();
    const bad = join(dir, '..', 'bad-backup.json');
    writeFileSync(bad, '{"format":"onramp-backup","version":1,"collections":{"items":[["a",null]]}}');
    await expect(restoreInto(dir, bad, OPTIONS)).rejects.toBeInstanceOf(StoreCorruptError);
    const same = await openStore(dir);
    expect(same.get('items', 'a')).toEqual({ name: 'a' });
  });
});

describe('reading shard files', () => {
  const records: [string, unknown][] = [
    ['a', { name: 'Ann', note: 'line\nbreak, "quotes" and ]} inside' }],
    ['b"odd\\key', { name: 'Bo', list: [1, 2, { deep: null }] }],
    ['c', { name: 'Ünïcode ✓' }],
  ];
  const head = '{"format":"onramp-shard","version":1,"collection":"other","shard":0';

  it('when a shard is laid out as the store writes it, then every record keeps its exact text', async () => {
    const { parseShard } = await import('../../src/lib/store/shard-file.ts');
    const text = `${head},"records":[\n${records.map(([k, v]) => `[${JSON.stringify(k)},${JSON.stringify(v)}]`).join(',\n')}]}\n`;
    const data = parseShard('x.json', text, 'other', 0);
    expect(data.records).toEqual(records.map(([k, v]) => [k, JSON.stringify(v)]));
  });

  it('when a shard was written another way (by hand, pretty-printed), then its records are read all the same', async () => {
    const { parseShard } = await import('../../src/lib/store/shard-file.ts');
    const pretty = JSON.stringify({ format: 'onramp-shard', version: 1, collection: 'other', shard: 0, records }, null, 2);
    expect(parseShard('x.json', pretty, 'other', 0).records).toEqual(records.map(([k, v]) => [k, JSON.stringify(v)]));
    // Two records on one line and one spread over two: the layout is not the store's, so nothing is sliced.
    const odd = `${head},"records":[\n["a",{"x":1}],["b",{"y":2}],\n["c",\n{"z":3}]]}\n`;
    expect(parseShard('x.json', odd, 'other', 0).records).toEqual([['a', '{"x":1}'], ['b', '{"y":2}'], ['c', '{"z":3}']]);
    expect(parseShard('x.json', `${head},"records":[\n]}\n`, 'other', 0).records).toEqual([]);
  });
});
