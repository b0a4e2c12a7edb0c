import { describe, it, expect } from 'vitest';
import { oneLiner, terminalVerdict } from '../../src/progress/terminal-checkpoint.ts';
import { loadContent } from '../../src/content/content-loader.ts';
import { join } from 'node:path';

const BASE = 'https://onramp.example.org';
const tail = `2>&1 | curl -sS --data-binary @- -H "Authorization: Bearer $ONRAMP_TOKEN" -H "Content-Type: text/plain" -H "Accept: text/plain" ${BASE}/api/me/progress/w/s/checkpoint`;

describe('the terminal one-liner', () => {
  it('when the step names one command, then its output and errors go through the pipe', () => {
    expect(oneLiner(BASE, 'w', 's', { command: 'kubectl get nodes' })).toBe(`kubectl get nodes ${tail}`);
  });

  it('when the step names several commands, then they are grouped so all of their output is sent', () => {
    expect(oneLiner(BASE, 'w', 's', { command: 'system servicegroup-list; fm alarm-list --nowrap' })).toBe(`{ system servicegroup-list; fm alarm-list --nowrap; } ${tail}`);
    expect(oneLiner(BASE, 'w', 's', { command: "system service-parameter-list --service docker | grep -- '-registry'" })).toMatch(/^\{ system .* \| grep -- '-registry'; \} 2>&1 \| curl /);
  });

  it('when the step names no command, then the learner sees a placeholder to replace', () => {
    expect(oneLiner(BASE, 'w', 's', {})).toBe(`YOUR-COMMAND ${tail}`);
  });

  it('the shipped workshops name a command for most checkpoints, and never one that prints a secret file', () => {
    const content = loadContent(join(import.meta.dirname, '..', '..', 'workshops'), new Set());
    const checkpoints = [...content.workshops.values()].flatMap((w) => w.steps.flatMap((s) => (s.checkpoint ? [s.checkpoint] : [])));
    const named = checkpoints.filter((c) => c.command);
    expect(named.length / checkpoints.length).toBeGreaterThan(0.6);
    for (const c of named) expect(c.command).not.toMatch(/localhost\.yml|password|secret/i);
  });
});

describe('the terminal verdict', () => {
  const workshop = { slug: 'w', title: 'W', steps: [{ id: 'a', index: 0, title: 'A' }, { id: 's', index: 1, title: 'Unlock' }] } as never;
  const step = { id: 's', index: 1, title: 'Unlock' } as never;

  it('when the hint is long, then it is wrapped to a terminal’s width and indented, in plain text', () => {
    const hint = 'word '.repeat(60).trim();
    const text = terminalVerdict({ baseUrl: BASE, workshop, step, result: { passed: false, message: 'The output shows a known problem:', hint }, attempt: 3, summary: { done: 1, total: 2 }, color: false });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('NOT YET  Unlock (step 2 of 2)');
    expect(lines.slice(2, -1).every((l) => l.startsWith('  ') && l.length <= 76)).toBe(true);
    expect(lines.at(-1)).toBe(`Details: ${BASE}/workshops/w/steps/s?attempt=3#checkpoint-result`);
    expect(text).not.toMatch(/\u001b/);
  });

  it('when the last step passes, then it says how far the learner is, with no next step', () => {
    const text = terminalVerdict({ baseUrl: BASE, workshop, step, result: { passed: true, message: 'Looks right.' }, attempt: 1, summary: { done: 2, total: 2 }, color: true });
    expect(text).toBe('\u001b[32;1mPASSED\u001b[0m  Unlock (step 2 of 2)\nLooks right.\n2 of 2 steps done.\n');
  });
});
