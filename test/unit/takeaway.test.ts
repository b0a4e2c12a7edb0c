import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { loadContent } from '../../src/content/content-loader.ts';
import { seedFaqIds } from '../../src/content/faq-seed.ts';
import { codeText, expectedOutput } from '../../src/workshops/expected-output.ts';
import { linksForCopy } from '../../src/workshops/takeaway-views.ts';
import { FIXTURES } from '../support/app.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('what a printed or offline checkpoint shows', () => {
  const real = loadContent(join(ROOT, 'workshops'), seedFaqIds(join(ROOT, 'seed')));
  const aio = real.workshops.get('aio-simplex-virtual')!;

  it('when a step shows the output its checkpoint expects, then that block is "what you should see", without its copy button', () => {
    const verify = expectedOutput(aio.stepById.get('verify')!)!;
    expect(codeText(verify)).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\ncontroller-0\s+Ready\s+control-plane/);
    expect(verify).not.toContain('copy-btn');
    // Of a command block and an output block, the output: the bootstrap step shows the PLAY RECAP.
    expect(codeText(expectedOutput(aio.stepById.get('run-bootstrap')!)!)).toMatch(/^PLAY RECAP \*+\nlocalhost\s+: ok=\d+/);
    // Every checkpoint of the guided install has one.
    expect(aio.steps.filter((s) => s.checkpoint && !expectedOutput(s)).map((s) => s.id)).toEqual([]);
  });

  it('when no block of the step matches the checkpoint, then there is none (the prompt stands alone)', () => {
    const demo = loadContent(join(FIXTURES, 'workshops'), seedFaqIds(join(FIXTURES, 'seed'))).workshops.get('demo-install')!;
    expect(demo.stepById.get('unlock')!.checkpoint).toBeDefined();
    expect(expectedOutput(demo.stepById.get('unlock')!)).toBeUndefined();
    expect(expectedOutput(demo.stepById.get('prepare')!)).toBeUndefined();
  });

  it('when a copy leaves the site, then links to its own steps become anchors and other pages of Onramp full addresses', () => {
    const html = '<a href="/workshops/aio/steps/unlock">next</a> <a href="/faq/x">faq</a> <a href="https://docs.starlingx.io/">docs</a> <a href="//evil.example/">odd</a>';
    expect(linksForCopy(html, 'aio', 'https://onramp.example.org/')).toBe(
      '<a href="#step-unlock">next</a> <a href="https://onramp.example.org/faq/x">faq</a> <a href="https://docs.starlingx.io/">docs</a> <a href="//evil.example/">odd</a>',
    );
  });
});
