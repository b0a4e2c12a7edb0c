import { describe, it, expect } from 'vitest';
import { checkOutput, compileCheckpoint, compilePattern, CHECKPOINT_INPUT_MAX } from '../../src/content/checkpoint.ts';

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

  it('refuses patterns that could backtrack catastrophically', () => {
    expect(() => compilePattern('(a+)+$')).toThrow(/backtrack/);
    expect(() => compilePattern('(\\w+\\s?)*x')).toThrow(/backtrack/);
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
