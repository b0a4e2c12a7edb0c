import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { checkOutput, compileCheckpoint, CHECKPOINT_INPUT_MAX } from '../../src/content/checkpoint.ts';
import { compilePattern } from '../../src/lib/patterns.ts';
import { loadContent } from '../../src/content/content-loader.ts';
import { cpuMsBestOf, HOSTILE_OUTPUTS } from '../support/hostile-inputs.ts';

const hostList = (state: string) => `+----+--------------+-------------+----------------+-------------+--------------+
| id | hostname     | personality | administrative | operational | availability |
+----+--------------+-------------+----------------+-------------+--------------+
| 1  | controller-0 | controller  | ${state} |
+----+--------------+-------------+----------------+-------------+--------------+`;

const checkpoint = compileCheckpoint({
  prompt: 'Paste system host-list',
  expect: ['controller-0\\s*\\|\\s*controller\\s*\\|\\s*unlocked\\s*\\|\\s*enabled\\s*\\|\\s*available'],
  hints: [{ match: '\\|\\s*locked\\s*\\|', hint: 'The host is still locked.' }],
});

describe('checkpoint matching', () => {
  it('when the pasted output shows the host unlocked, enabled and available, then it passes', () => {
    const r = checkOutput(checkpoint, hostList('unlocked       | enabled     | available   '));
    expect(r.passed).toBe(true);
  });

  it('when the host is still locked, then it fails with the specific hint', () => {
    const r = checkOutput(checkpoint, hostList('locked         | disabled    | online      '));
    expect(r).toMatchObject({ passed: false, hint: 'The host is still locked.' });
  });

  it('when the output is unrelated, then it fails without a hint and says what to compare', () => {
    const r = checkOutput(checkpoint, 'bash: system: command not found');
    expect(r.passed).toBe(false);
    expect(r.hint).toBeUndefined();
    expect(r.message).toMatch(/expected output/);
  });

  it('when the paste uses Windows line ends and terminal colours, then it still passes', () => {
    const pasted = hostList('\u001b[32munlocked\u001b[0m       | enabled     | available   ').replace(/\n/g, '\r\n');
    expect(checkOutput(checkpoint, pasted).passed).toBe(true);
  });

  it('when the paste is empty, then it asks for the output', () => {
    expect(checkOutput(checkpoint, '   ').message).toMatch(/Paste/);
  });

  it('when a pattern needs look-around or a back-reference, then it is refused with a reason an author can act on', () => {
    expect(() => compilePattern('^commit [0-9a-f]{40}(?![\\s\\S]*Change-Id:)')).toThrow(/look-ahead.*unless/);
    expect(() => compilePattern('(a)\\1')).toThrow(/back-references/);
    expect(() => compilePattern('[a-')).toThrow(/missing \]/);
    // Nested quantifiers are fine: RE2 matches in linear time whatever the pattern.
    expect(compilePattern('(a+)+$').test('a'.repeat(20_000) + 'b')).toBe(false);
  });

  it('when a hint has `unless`, then it fires only when that pattern is absent', () => {
    const cp = compileCheckpoint({
      prompt: 'p',
      expect: ['^commit [0-9a-f]{40}', 'Change-Id: I[0-9a-f]{40}'],
      hints: [{ match: '^commit [0-9a-f]{40}', unless: 'Change-Id:', hint: 'No Change-Id yet.' }],
    });
    const commit = `commit ${'a'.repeat(40)}\nAuthor: me\n`;
    expect(checkOutput(cp, commit)).toMatchObject({ passed: false, hint: 'No Change-Id yet.' });
    expect(checkOutput(cp, `${commit}\n    Change-Id: I${'b'.repeat(40)}\n`).passed).toBe(true);
  });

  it('when any shipped checkpoint meets 16 KB of adversarial input, then it answers within a few milliseconds', () => {
    const content = loadContent(join(import.meta.dirname, '..', '..', 'workshops'));
    const checkpoints = [...content.workshops.values()].flatMap((w) => w.steps.flatMap((s) => (s.checkpoint ? [s.checkpoint] : [])));
    expect(checkpoints.length).toBeGreaterThan(10);
    let worst = 0;
    for (const cp of checkpoints) {
      for (const text of HOSTILE_OUTPUTS) worst = Math.max(worst, cpuMsBestOf(1, () => checkOutput(cp, text)));
    }
    // Measured at about 1 ms; the bound leaves room for a busy CI machine, far below the seconds seen before.
    expect(worst).toBeLessThan(50);
  });

  it('answers quickly even for a huge adversarial paste', () => {
    const evil = 'controller-0 | '.repeat(50_000);
    const started = performance.now();
    const r = checkOutput(checkpoint, evil);
    expect(r.passed).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
    expect(CHECKPOINT_INPUT_MAX).toBe(16 * 1024);
  });
});
