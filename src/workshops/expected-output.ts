import type { Step } from '../content/content-loader.ts';

const CODE_BLOCK = /<div class="code-block">[\s\S]*?<\/code><\/pre><\/div>/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|lt|gt|quot|apos|amp);/gi, (_m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number.parseInt(e.slice(e[1] === 'x' || e[1] === 'X' ? 2 : 1), e[1] === 'x' || e[1] === 'X' ? 16 : 10)) : NAMED[e.toLowerCase()]!,
  );

/** The text a code block shows (its highlighting spans and entities undone). */
export function codeText(blockHtml: string): string {
  return decode(blockHtml.replace(/<button[\s\S]*?<\/button>/g, '').replace(/<[^>]+>/g, ''));
}

const cache = new WeakMap<Step, string | null>();

/**
 * The block of a step that shows what its checkpoint expects: of the step's code blocks, the one in
 * which most of the checkpoint's patterns occur (at least one; output blocks before commands, and
 * the later one on a tie). Printed and offline copies show it under the checkpoint as "what you
 * should see", without the copy button. Worked out once per step.
 */
export function expectedOutput(step: Step): string | undefined {
  if (!step.checkpoint) return undefined;
  let found = cache.get(step);
  if (found === undefined) {
    let best: { html: string; score: number } | undefined;
    for (const m of step.html.matchAll(CODE_BLOCK)) {
      const text = Buffer.from(codeText(m[0]));
      const hits = step.checkpoint.expect.filter((p) => p.test(text)).length;
      if (!hits) continue;
      const output = /language-(console|text|plaintext)"|class="hljs"/.test(m[0]) ? 0.5 : 0;
      const score = hits + output;
      if (!best || score >= best.score) best = { html: m[0].replace(/<button[\s\S]*?<\/button>/, ''), score };
    }
    found = best?.html ?? null;
    cache.set(step, found);
  }
  return found ?? undefined;
}
