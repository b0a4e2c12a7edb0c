import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/** Prints `N passed, N failed` as the last line (CI reads it) and writes it to test-results/totals.txt. */
export default class TotalsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = errors.length;
    for (const mod of modules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed += 1;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
      }
    }
    const line = `${passed} passed, ${failed} failed`;
    try {
      writeFileSync('test-results/totals.txt', `${line}\n`);
    } catch {
      // the folder is created by .ci/run; a local run without it just prints
    }
    process.stdout.write(`\n${line}\n`);
  }
}
