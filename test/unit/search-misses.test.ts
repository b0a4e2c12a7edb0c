import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../src/lib/db.ts';
import { createSearchMissesRepository } from '../../src/search/search-misses-repository.ts';
import { createMissRecorder } from '../../src/search/search-misses.ts';
import { tempDir } from '../support/temp.ts';

describe('content gaps', () => {
  it('when the list is full of junk, then a gap that several people hit still gets in, displacing the weakest', async () => {
    const store = await openStore(join(tempDir('misses'), 'store'), { log: () => {} });
    const misses = createMissRecorder(createSearchMissesRepository(store), { cap: 5, perReporter: 100 });
    for (let i = 0; i < 12; i++) misses.record(`junk ${i}`, `a:10.0.0.${i}`);
    await misses.flush();
    expect(store.count('searchMisses')).toBe(5);
    misses.record('real gap', 'u:1');
    misses.record('real gap', 'u:2');
    const top = await misses.top(10);
    expect(top[0]).toMatchObject({ query: 'real gap', count: 2, reporters: 2 });
    expect(store.count('searchMisses')).toBe(5);
    await store.close();
  });

  it('when one person searches the same miss again and again, then it counts each time but as one person, and their budget runs out', async () => {
    const store = await openStore(join(tempDir('misses'), 'store'), { log: () => {} });
    const misses = createMissRecorder(createSearchMissesRepository(store), { perReporter: 3 });
    for (let i = 0; i < 10; i++) misses.record('same thing', 'a:1.2.3.4');
    expect(await misses.top()).toEqual([expect.objectContaining({ query: 'same thing', count: 3, reporters: 1 })]);
    await store.close();
  });
});
