import { join } from 'node:path';
import { loadFaqSeed } from '../src/content/faq-seed.ts';
import { renderUser } from '../src/lib/markdown.ts';
import { createSearchService } from '../src/search/search-service.ts';
import { KINDS, loadEvalSet, score, type EvalQuery, type Scores } from '../src/search/eval/eval-set.ts';
import { plainEngine } from '../src/search/eval/plain-engine.ts';

/**
 * `npm run search:eval`: the labelled queries of eval/search/ against Onramp's search and a plain
 * full-text engine over the same seed entries, per kind and split (the held-out part is never tuned on).
 * `--json` prints the figures as JSON; `--show-misses` lists the queries Onramp gets wrong (tune split only).
 */
const root = join(import.meta.dirname, '..');
const queries = loadEvalSet(join(root, 'eval', 'search'));
const seed = loadFaqSeed(join(root, 'seed'));
const search = createSearchService({ content: { current: { workshops: new Map(), guides: new Map(), paths: new Map(), problems: [], warnings: [] } } });
search.setEntries(seed.map((e) => ({ ...e, causeHtml: renderUser(e.cause), fixHtml: renderUser(e.fix) })));
const plain = plainEngine(seed);

const onramp = (q: EvalQuery) => search.matchLog(q.text, 10).map((r) => r.ref);
const baseline = (q: EvalQuery) => plain(q.text);

const pct = (x: number) => `${(x * 100).toFixed(0).padStart(3)}%`;
const rows: { split: string; kind: string; onramp: Scores; plain: Scores }[] = [];
for (const split of ['tune', 'heldout'] as const) {
  for (const kind of [...KINDS, 'all'] as const) {
    const qs = queries.filter((q) => q.split === split && (kind === 'all' || q.kind === kind));
    rows.push({ split, kind, onramp: score(qs, onramp), plain: score(qs, baseline) });
  }
}
const onTopicNoMatch = (split: string) => score(queries.filter((q) => q.split === split && q.kind !== 'off-topic'), onramp).noMatch;

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ rows, onTopicNoMatch: { tune: onTopicNoMatch('tune'), heldout: onTopicNoMatch('heldout') } }, null, 2));
} else {
  for (const split of ['tune', 'heldout']) {
    console.log(`\n${split === 'tune' ? 'Tuning part' : 'Held-out part'} (${queries.filter((q) => q.split === split).length} queries; off-topic: the right answer is "no match")`);
    console.log('kind              n   onramp top1  top3   MRR  | plain top1  top3   MRR');
    for (const r of rows.filter((x) => x.split === split)) {
      console.log(`${r.kind.padEnd(16)} ${String(r.onramp.n).padStart(3)}       ${pct(r.onramp.top1)}  ${pct(r.onramp.top3)}  ${r.onramp.mrr.toFixed(2)}  |     ${pct(r.plain.top1)}  ${pct(r.plain.top3)}  ${r.plain.mrr.toFixed(2)}`);
    }
    console.log(`on-topic queries answered "no match": ${pct(onTopicNoMatch(split))}`);
  }
  const held = (kind: string) => rows.find((r) => r.split === 'heldout' && r.kind === kind)!;
  const checks: [string, boolean][] = [
    ['long scrollbacks top-1 >= 85%', held('long-scrollback').onramp.top1 >= 0.85],
    ['long scrollbacks top-3 >= 95%', held('long-scrollback').onramp.top3 >= 0.95],
    ...(['typed', 'error-line', 'alarm-rows', 'short-paste'] as const).map((k): [string, boolean] => [`${k} top-1 >= 90%`, held(k).onramp.top1 >= 0.9]),
    ['off-topic answered "no match" >= 90%', held('off-topic').onramp.top1 >= 0.9],
    ['on-topic answered "no match" <= 5%', onTopicNoMatch('heldout') <= 0.05],
    ['long scrollbacks top-1 >= 1.5x the plain engine', held('long-scrollback').onramp.top1 >= 1.5 * held('long-scrollback').plain.top1],
  ];
  console.log('\nTargets on the held-out part:');
  for (const [what, ok] of checks) console.log(`  ${ok ? 'met    ' : 'NOT MET'}  ${what}`);
  if (process.argv.includes('--show-misses')) {
    console.log('\nTuning queries answered wrongly:');
    for (const q of queries.filter((x) => x.split === 'tune')) {
      const got = onramp(q);
      const ok = q.expect.length === 0 ? got.length === 0 : q.expect.includes(got[0] ?? '');
      if (!ok) console.log(`  ${q.id} ${q.kind}: expected ${q.expect.join(', ') || 'no match'}; got ${got.slice(0, 3).join(', ') || 'no match'}`);
    }
  }
}
