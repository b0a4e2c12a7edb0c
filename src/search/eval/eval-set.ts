import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

export const KINDS = ['typed', 'error-line', 'alarm-rows', 'short-paste', 'long-scrollback', 'off-topic'] as const;
export type QueryKind = (typeof KINDS)[number];

export interface EvalQuery {
  id: string;
  kind: QueryKind;
  split: 'tune' | 'heldout';
  text: string;
  /** Entry ids that answer the query, best first; empty: "no match" is the right answer. */
  expect: string[];
}

/** Reads `eval/search/queries.yml` and the long pastes it names. */
export function loadEvalSet(dir: string): EvalQuery[] {
  const raw = YAML.parse(readFileSync(join(dir, 'queries.yml'), 'utf8')) as (Omit<EvalQuery, 'text'> & { text?: string; file?: string })[];
  return raw.map((q) => ({
    id: q.id,
    kind: q.kind,
    split: q.split,
    expect: q.expect ?? [],
    text: q.text ?? readFileSync(join(dir, q.file!), 'utf8'),
  }));
}

export interface Scores {
  n: number;
  top1: number;
  top3: number;
  mrr: number;
  /** Share of queries answered "no match". */
  noMatch: number;
}

/** Top-1, top-3 and mean reciprocal rank; for off-topic queries, a hit is answering "no match". */
export function score(queries: EvalQuery[], answer: (q: EvalQuery) => string[]): Scores {
  let top1 = 0, top3 = 0, rr = 0, none = 0;
  for (const q of queries) {
    const got = answer(q);
    if (got.length === 0) none += 1;
    if (q.expect.length === 0) {
      const right = got.length === 0 ? 1 : 0;
      top1 += right;
      top3 += right;
      rr += right;
      continue;
    }
    const rank = got.findIndex((id) => q.expect.includes(id));
    if (rank === 0) top1 += 1;
    if (rank >= 0 && rank < 3) top3 += 1;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const n = queries.length || 1;
  return { n: queries.length, top1: top1 / n, top3: top3 / n, mrr: rr / n, noMatch: none / n };
}
