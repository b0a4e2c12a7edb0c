import { join } from 'node:path';
import { evaluate } from '../src/search/eval/run-eval.ts';

/**
 * `npm run search:eval`: the labelled queries of eval/search/ against Onramp's search and a plain
 * full-text engine over the same seed entries, per kind and split (the held-out part is never tuned on).
 * `--json` prints the figures as JSON; `--show-misses` lists the tuning queries Onramp gets wrong;
 * `--tune-only` prints nothing of the held-out part (for tuning without looking at it).
 */
const tuneOnly = process.argv.includes('--tune-only');
const { queries, rows, onTopicNoMatch, checks, onramp } = evaluate(join(import.meta.dirname, '..'), tuneOnly ? ['tune'] : ['tune', 'heldout']);
const pct = (x: number) => `${(x * 100).toFixed(0).padStart(3)}%`;

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ rows: rows.filter((r) => !tuneOnly || r.split === 'tune'), onTopicNoMatch }, null, 2));
} else {
  for (const split of tuneOnly ? ['tune'] : ['tune', 'heldout']) {
    console.log(`\n${split === 'tune' ? 'Tuning part' : 'Held-out part'} (${queries.filter((q) => q.split === split).length} queries; off-topic: the right answer is "no match")`);
    console.log('kind              n   onramp top1  top3   MRR  | plain top1  top3   MRR');
    for (const r of rows.filter((x) => x.split === split)) {
      console.log(`${r.kind.padEnd(16)} ${String(r.onramp.n).padStart(3)}       ${pct(r.onramp.top1)}  ${pct(r.onramp.top3)}  ${r.onramp.mrr.toFixed(2)}  |     ${pct(r.plain.top1)}  ${pct(r.plain.top3)}  ${r.plain.mrr.toFixed(2)}`);
    }
    console.log(`on-topic queries answered "no match": ${pct(onTopicNoMatch[split as 'tune' | 'heldout'] ?? 0)}`);
  }
  if (!tuneOnly) {
    console.log('\nTargets on the held-out part:');
    for (const [what, ok] of checks) console.log(`  ${ok ? 'met    ' : 'NOT MET'}  ${what}`);
  }
  if (process.argv.includes('--show-misses')) {
    console.log('\nTuning queries answered wrongly:');
    for (const q of queries.filter((x) => x.split === 'tune')) {
      const got = onramp(q);
      const ok = q.expect.length === 0 ? got.length === 0 : q.expect.includes(got[0] ?? '');
      if (!ok) console.log(`  ${q.id} ${q.kind}: expected ${q.expect.join(', ') || 'no match'}; got ${got.slice(0, 3).join(', ') || 'no match'}`);
    }
  }
}
