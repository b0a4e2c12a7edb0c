import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { evaluate } from '../../src/search/eval/run-eval.ts';

describe('paste-your-error, measured on the labelled queries (npm run search:eval)', () => {
  it('when the held-out queries are searched, then every target of the issue is met', () => {
    const report = evaluate(join(import.meta.dirname, '..', '..'), ['heldout']);
    expect(report.queries.length).toBeGreaterThanOrEqual(50);
    expect(report.queries.filter((q) => q.kind === 'off-topic').length).toBeGreaterThanOrEqual(7);
    expect(report.checks.filter(([, ok]) => !ok).map(([what]) => what)).toEqual([]);
  });
});
