import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { loadFaqSeed } from '../../src/content/faq-seed.ts';
import { loadContent } from '../../src/content/content-loader.ts';
import { renderUser } from '../../src/lib/markdown.ts';
import { createSearchService, type SearchService } from '../../src/search/search-service.ts';
import { highlight, snippet } from '../../src/search/highlight.ts';
import { releaseMatches } from '../../src/search/release.ts';
import { syntheticEntries, PASTED_LOGS, TYPED_QUERIES, bigLog } from '../../bench/scenarios/faq-search.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('search over the real seed FAQ and workshops', () => {
  const seed = loadFaqSeed(join(ROOT, 'seed'));
  let search: SearchService;
  beforeAll(() => {
    search = createSearchService({ content: { current: loadContent(join(ROOT, 'workshops')) } });
    search.setEntries(seed.map((e) => ({ ...e, causeHtml: renderUser(e.cause), fixHtml: renderUser(e.fix) })));
  });

  it('when any seed entry\'s error text is pasted inside a noisy log, then that entry is found first', () => {
    const withError = seed.filter((e) => e.errorText.length >= 12);
    expect(withError.length).toBeGreaterThan(25);
    for (const e of withError) {
      const log = `2024-05-01T10:11:12.345Z [sysadmin@controller-0 ~]$ some-command --flag\n\u001b[31m${e.errorText}\u001b[0m\n2024-05-01T10:11:13Z exit status 1 from 10.10.10.2`;
      const first = search.search(log).results[0];
      expect(first?.ref, `${e.id}: ${e.errorText}`).toBe(e.id);
      expect(first?.exact).toBe(true);
    }
  });

  it('when an error line is typed or pasted on its own, then the entry with that error comes first', () => {
    expect(search.search('Temporary failure in name resolution').results[0]!.ref).toBe('bootstrap-dns-resolution-failure');
    expect(search.search('toomanyrequests: You have reached your pull rate limit').results[0]!.ref).toBe('bootstrap-dockerhub-rate-limit');
    expect(search.search('alarm 250.001').results[0]!.ref).toBe('alarm-250-001-config-out-of-date');
  });

  it('when words are typed, then title and error text weigh more than the body, typos are forgiven, and prefixes match', () => {
    expect(search.search('kubectl refused').results[0]!.ref).toBe('kubectl-localhost-8080-refused');
    expect(search.search('kubctl conection refusd').results[0]!.ref).toBe('kubectl-localhost-8080-refused');
    expect(search.search('toomanyreq').results[0]!.ref).toBe('bootstrap-dockerhub-rate-limit');
    expect(search.search('kvm accelerat').results[0]!.ref).toBe('host-hardware-virtualization-disabled');
  });

  it('when the search covers workshops and guides too, then they are found with their kind', () => {
    const kinds = new Set(search.search('bootstrap overrides localhost.yml').results.map((r) => r.kind));
    expect(kinds.has('step')).toBe(true);
    expect(search.search('choose your deployment').results.some((r) => r.kind === 'guide')).toBe(true);
  });

  it('when filters are given, then every result fits them', () => {
    for (const r of search.search('controller', { phase: 'unlock' }).results) expect(r.phase).toBe('unlock');
    for (const r of search.search('storage', { deployment: 'aio-dx' }).results) expect(r.deployment!.some((d) => d === 'any' || d === 'aio-dx')).toBe(true);
  });

  it('when results are highlighted, then only <mark> is markup and everything else is escaped', () => {
    expect(highlight('a <bold> & "refused"', ['refused', 'bold'])).toBe('a &lt;<mark>bold</mark>&gt; &amp; &quot;<mark>refused</mark>&quot;');
    expect(highlight('<mark>', ['mark'])).toBe('&lt;<mark>mark</mark>&gt;');
    expect(highlight('install installer', ['install'])).toBe('<mark>install</mark> installer');
    expect(snippet(`${'x '.repeat(300)}needle here`, ['needle'])).toMatch(/^… .*<mark>needle<\/mark> here$/);
  });

  it('when release ranges are compared, then lists, ranges and "and later" work', () => {
    expect(releaseMatches('any', '9.0')).toBe(true);
    expect(releaseMatches('8.0+', '9.0')).toBe(true);
    expect(releaseMatches('8.0-9.0', '10.0')).toBe(false);
    expect(releaseMatches('7.0, 9.0', '9')).toBe(true);
    expect(releaseMatches('9.0', 'stx-9')).toBe(false);
  });
});

// Speed is measured by `npm run bench` (bench/scenarios/faq-search.ts), not asserted here.
describe('search with 2,000 entries', () => {
  it('when 2,000 entries compete, then a pasted log still finds its entry first, and a 64 KB log is answered', () => {
    const search = createSearchService({ content: { current: loadContent(join(ROOT, 'workshops')) } });
    search.setEntries(syntheticEntries(2000));
    expect(search.search(PASTED_LOGS[1]!).results[0]!.ref).toBe('kubectl-localhost-8080-refused');
    expect(search.search(bigLog()).results.length).toBeGreaterThan(0);
    for (const q of TYPED_QUERIES) expect(search.search(q).results.length).toBeGreaterThan(0);
    // Indexing 2,000 entries takes about 5 s alone, several times that beside the rest of the suite.
  }, 90_000);
});

describe('indexing the FAQ at start-up', () => {
  it('when entries change while the FAQ is being indexed, then the index ends up with their current state', async () => {
    const search = createSearchService({ content: { current: loadContent(join(ROOT, 'workshops')) } });
    const entries = new Map(syntheticEntries(450).map((e) => [e.id, e]));
    const ids = [...entries.keys()];
    const current = (id: string) => entries.get(id);
    const loading = search.loadEntries(ids, current);
    expect(search.loaded).toBe(false); // the first slice is indexed, the rest waits for later turns
    const retired = entries.get(ids[400]!)!;
    entries.delete(retired.id);
    search.syncEntry(retired, false);
    const renamed = { ...entries.get(ids[420]!)!, title: 'Quokka sightings on the OAM network' };
    entries.set(renamed.id, renamed);
    search.syncEntry(renamed, true);
    await search.whenLoaded();
    expect(search.loaded).toBe(true);
    await loading;
    expect(search.search('quokka sightings').results[0]?.ref).toBe(renamed.id);
    expect(search.search(retired.title).results.map((r) => r.ref)).not.toContain(retired.id);
    expect(search.search(entries.get(ids[449]!)!.title).results.map((r) => r.ref)).toContain(ids[449]);
  });
});
