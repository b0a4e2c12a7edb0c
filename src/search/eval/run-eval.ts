import { join } from 'node:path';
import { loadFaqSeed } from '../../content/faq-seed.ts';
import { renderUser } from '../../lib/markdown.ts';
import { createSearchService } from '../search-service.ts';
import { KINDS, loadEvalSet, score, type EvalQuery, type Scores } from './eval-set.ts';
import { plainEngine } from './plain-engine.ts';

export interface EvalRow {
  split: 'tune' | 'heldout';
  kind: string;
  onramp: Scores;
  plain: Scores;
}

export interface EvalReport {
  queries: EvalQuery[];
  rows: EvalRow[];
  onTopicNoMatch: { tune?: number; heldout?: number };
  /** The targets, on the held-out part. */
  checks: [string, boolean][];
  onramp: (q: EvalQuery) => string[];
}

/** Runs the labelled queries of `<root>/eval/search` against Onramp's search and the plain engine. */
export function evaluate(root: string, splits: readonly ('tune' | 'heldout')[] = ['tune', 'heldout']): EvalReport {
  const queries = loadEvalSet(join(root, 'eval', 'search')).filter((q) => splits.includes(q.split));
  const seed = loadFaqSeed(join(root, 'seed'));
  const search = createSearchService({ content: { current: { workshops: new Map(), guides: new Map(), paths: new Map(), problems: [], warnings: [] } } });
  search.setEntries(seed.map((e) => ({ ...e, causeHtml: renderUser(e.cause), fixHtml: renderUser(e.fix) })));
  const plain = plainEngine(seed);
  const answers = new Map<string, string[]>();
  const onramp = (q: EvalQuery) => answers.get(q.id) ?? answers.set(q.id, search.matchLog(q.text, 10).map((r) => r.ref)).get(q.id)!;
  const plainAnswers = new Map<string, string[]>();
  const baseline = (q: EvalQuery) => plainAnswers.get(q.id) ?? plainAnswers.set(q.id, plain(q.text)).get(q.id)!;

  const rows: EvalRow[] = [];
  for (const split of splits) {
    for (const kind of [...KINDS, 'all']) {
      const qs = queries.filter((q) => q.split === split && (kind === 'all' || q.kind === kind));
      rows.push({ split, kind, onramp: score(qs, onramp), plain: score(qs, baseline) });
    }
  }
  const noMatch = (split: string) => score(queries.filter((q) => q.split === split && q.kind !== 'off-topic'), onramp).noMatch;
  const held = (kind: string) => rows.find((r) => r.split === 'heldout' && r.kind === kind)!;
  const checks: [string, boolean][] = !splits.includes('heldout') ? [] : [
    ['long scrollbacks top-1 >= 85%', held('long-scrollback').onramp.top1 >= 0.85],
    ['long scrollbacks top-3 >= 95%', held('long-scrollback').onramp.top3 >= 0.95],
    ...(['typed', 'error-line', 'alarm-rows', 'short-paste'] as const).map((k): [string, boolean] => [`${k} top-1 >= 90%`, held(k).onramp.top1 >= 0.9]),
    ['off-topic answered "no match" >= 90%', held('off-topic').onramp.top1 >= 0.9],
    ['on-topic answered "no match" <= 5%', noMatch('heldout') <= 0.05],
    ['long scrollbacks top-1 >= 1.5x the plain engine', held('long-scrollback').onramp.top1 >= 1.5 * held('long-scrollback').plain.top1],
  ];
  return { queries, rows, onTopicNoMatch: Object.fromEntries(splits.map((s) => [s, noMatch(s)])), checks, onramp };
}
