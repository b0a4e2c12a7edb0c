import { USER_MARKDOWN_MAX, renderUser } from '../../src/lib/markdown.ts';
import { MAX_NESTING, userMarkdownProblem } from '../../src/lib/markdown-limits.ts';
import { LOG_INPUT_MAX } from '../../src/search/log-features.ts';
import { CHECKPOINT_INPUT_MAX } from '../../src/content/checkpoint.ts';
import type { EntryFields } from '../../src/faq/faq-types.ts';

/**
 * The worst inputs we know for each place a user's text is parsed, shared by the tests (which check they
 * are refused or handled) and by `npm run bench` (which measures what they cost a running server).
 */

// ---- Markdown ------------------------------------------------------------------------------------

/**
 * Shapes that make marked, highlight.js or sanitize-html work harder than the length of the text
 * suggests. Each is repeated as often as the limits accept, padded to 16 KB with cheap text, so what
 * is measured is the worst an author can send.
 */
const UNITS = [
  '*a_', '_*a', '*a', '_a', '__a', '**a', '***a', '~a', '*a* ', '\\*', '[a](b)', '[a](b)[', '[', ']', '[a', '![a](https://a.b/c.png)',
  '[a][b] ', '[a]: https://a.b\n', '<b>a</b>', '<a ', '<', '<!--', '`a', '``a`', '`a` ', 'www.a.b ', 'a.b@c.d ', 'https://a.b ', '|a',
  '&#123;', '"\'', '# a\n', 'a  \n', 'a\\\n', 'a\n\n', 'a\n===\n', '***\n\n', '- a\n', '- a\n\n', '1. a\n', '> a\n', '> a\n>\n', '- - a\n',
  '> - > - a\n', '> [!NOTE]\n> a\n\n', '```\na\n```\n', '```bash\n$(( "${a}" \n```\n', '```js\n/*a/ `${ "\'\n```\n',
  '| a | b |\n|---|---|\n| c | d |\n\n',
];
const FAMILIES: Record<string, (n: number) => string> = {
  ...Object.fromEntries(UNITS.map((u) => [JSON.stringify(u), (n: number) => u.repeat(n)])),
  'a list staircase': (n) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i % MAX_NESTING)}- a`).join('\n'),
  'nesting at the limit': (n) => `${'> '.repeat(MAX_NESTING)}a\n`.repeat(n),
  'a wide table': (n) => `|${'a|'.repeat(n)}\n|${'-|'.repeat(n)}\n${`|${'b|'.repeat(n)}\n`.repeat(4)}`,
  'a long table': (n) => `|a|b|c|d|\n|-|-|-|-|\n${'|w|x|y|z|\n'.repeat(n)}`,
  'highlighted code, then many blocks': (n) => '```bash\n' + 'for h in a b; do system host-lock "$h" | grep -i "x" && echo $?; done\n'.repeat(60) + '```\n' + '```\nx\n```\n'.repeat(n),
  '16 KB of JSON in a code block': (n) => '```\n' + '{"a": "<b>", "c": [1, 2]}\n'.repeat(n) + '```',
};
const FILLERS = [' plain', '\n'];

const fit = (s: string, filler: string) => (s.length >= USER_MARKDOWN_MAX ? s.slice(0, USER_MARKDOWN_MAX) : s + filler.repeat(Math.ceil((USER_MARKDOWN_MAX - s.length) / filler.length)).slice(0, USER_MARKDOWN_MAX - s.length));

/** The largest repeat count whose text the limits accept (0 if even one is refused). */
function largestAccepted(make: (n: number) => string, filler: string): number {
  const ok = (n: number) => make(n).length <= USER_MARKDOWN_MAX && !userMarkdownProblem(fit(make(n), filler));
  let lo = 0;
  let hi = 1;
  while (ok(hi) && hi < USER_MARKDOWN_MAX) hi *= 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Every hostile shape at the largest size the limits accept, alone and three at a time: [name, text]. */
export function worstAcceptedMarkdown(): [string, string][] {
  const cases: [string, string][] = [];
  const accepted = new Map<string, number>();
  for (const [name, make] of Object.entries(FAMILIES)) {
    for (const filler of FILLERS) {
      const n = largestAccepted(make, filler);
      if (n > 0) cases.push([`${name} ×${n}, padded with ${JSON.stringify(filler)}`, fit(make(n), filler)]);
      if (filler === FILLERS[0]) accepted.set(name, n);
    }
  }
  // Costs add up: a third of the accepted count each for three shapes at once.
  const names = Object.keys(FAMILIES);
  for (let i = 0; i < 24; i++) {
    const picked = [names[(i * 7) % names.length]!, names[(i * 13 + 5) % names.length]!, names[(i * 29 + 11) % names.length]!];
    const parts = picked.map((name) => FAMILIES[name]!(Math.max(1, Math.floor((accepted.get(name) ?? 0) / 3))));
    const md = parts.join('\n\n').slice(0, USER_MARKDOWN_MAX);
    if (!userMarkdownProblem(md)) cases.push([picked.join(' + '), md]);
  }
  return cases;
}

/** Texts the limits refuse (each took 0.5-8 s to render before them, measured at 16 KB): [name, text, message]. */
export const REFUSED_MARKDOWN: [string, string, RegExp][] = [
  ['mixed emphasis runs', '*a_'.repeat(3000), /Too much \* and _ markup/],
  ['a list nested by dashes', `${'- '.repeat(8000)}a`, /nested too deeply/],
  ['quotes and lists interleaved', `${'>- '.repeat(5000)}a`, /nested too deeply/],
  ['a chain of links', '[a](b)['.repeat(2000), /Too many links/],
  ['many loose list items', '- a\n\n'.repeat(3000), /Too many list items/],
  ['16 KB of quotes outside code', '"'.repeat(16_000), /Too many quotes/],
];

/**
 * The fastest of a few runs, in milliseconds of this process's CPU time: the machine is shared with
 * other work, and time spent waiting for a core is not time the work holds the event loop.
 */
export function cpuMsBestOf(runs: number, fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.cpuUsage();
    fn();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** The worst of the accepted texts: its name and its render time (CPU ms, best of 3). */
export function worstMarkdownRender(cases = worstAcceptedMarkdown()): { ms: number; name: string; cases: number } {
  renderUser('warm *up* [a](https://a.b) `x`\n\n- a\n\n```bash\nls\n```');
  let worst = { ms: 0, name: '' };
  for (const [name, md] of cases) {
    const ms = cpuMsBestOf(3, () => renderUser(md));
    if (ms > worst.ms) worst = { ms, name };
  }
  return { ...worst, cases: cases.length };
}

// ---- Pasted logs ---------------------------------------------------------------------------------

const fill = (unit: string) => unit.repeat(Math.ceil(LOG_INPUT_MAX / unit.length)).slice(0, LOG_INPUT_MAX);

/** 64 KB pastes that made the log reader's patterns backtrack (9.4 s for the worst, before they were made linear). */
export const HOSTILE_PASTES: Record<string, string> = {
  'newlines': fill('\n'),
  'spaces and newlines': fill(' \n'),
  'spaces': fill(' '),
  'tabs': fill('\t'),
  'U+2003 em spaces': fill('\u2003'),
  'U+3000 ideographic spaces': fill('\u3000'),
  'U+00A0 and newlines': fill('\u00a0\n'),
  '"exit" then em spaces': `exit${'\u2003'.repeat(LOG_INPUT_MAX - 8)}x`,
  '"exit code" then newlines': `exit code${'\n'.repeat(LOG_INPUT_MAX - 9)}`,
  'repeated "exit code "': fill('exit code '),
  'repeated "rc "': fill('rc '),
  'repeated "TASK ["': fill('TASK ['),
  'repeated "fatal: ["': fill('fatal: ['),
  'repeated "a@b:~$ "': fill('a@b:~$ '),
  'one long prompt-like line': `a@${'b'.repeat(LOG_INPUT_MAX - 2)}`,
  'repeated "[ 1" lines': fill('\n[ 1'),
  'repeated escape sequences': fill('\u001b['),
  'a long hex run': `${'1a'.repeat(LOG_INPUT_MAX / 2 - 1)}g`,
  'many distinct error lines': Array.from({ length: 2000 }, (_, i) => `ERROR: failed ${i} sysinv-${i} refused x${i}`).join('\n').slice(0, LOG_INPUT_MAX),
};

// ---- Checkpoint output ---------------------------------------------------------------------------

/** 16 KB of output shaped to make a checkpoint's patterns work hard. */
export const HOSTILE_OUTPUTS: string[] = (() => {
  const size = CHECKPOINT_INPUT_MAX;
  return ['\n'.repeat(size), ' '.repeat(size), '\u2003'.repeat(size / 3), 'commit '.repeat(size / 7), '| controller-0 '.repeat(size / 14), 'a\n '.repeat(size / 3)];
})();

// ---- FAQ revisions -------------------------------------------------------------------------------

const BASE: EntryFields = { title: 'Bootstrap fails', errorText: '', deployment: ['any'], phase: 'install', releases: 'any', cause: '', fix: '', sources: [], tags: [], steps: [], signatures: [] };

/** 16 KB of short lines, different on each side: the worst case for a line diff (every line an edit). */
const lines = (f: (i: number) => string, max: number) => {
  let s = '';
  for (let i = 0; s.length < max; i++) s += `${f(i)}\n`;
  return s.slice(0, max);
};

/** Two revisions of the largest fields, every line changed (0.6 s a view before the diff was bounded). */
export const HOSTILE_REVISIONS: { before: EntryFields; after: EntryFields } = {
  before: { ...BASE, cause: lines((i) => String(i % 97), 16_384), fix: lines((i) => String(i % 89), 16_384), errorText: lines((i) => `e${i % 7}`, 4096) },
  after: { ...BASE, cause: lines((i) => String((i * 31) % 89), 16_384), fix: lines((i) => String((i * 7) % 97), 16_384), errorText: lines((i) => `e${(i * 3) % 5}`, 4096) },
};
