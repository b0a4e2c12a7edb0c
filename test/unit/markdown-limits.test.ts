import { describe, it, expect } from 'vitest';
import { renderUser, USER_MARKDOWN_MAX } from '../../src/lib/markdown.ts';
import { MarkdownTooComplexError, MAX_NESTING, userMarkdownProblem } from '../../src/lib/markdown-limits.ts';
import { EntryInput, PreviewInput, ReviewInput } from '../../src/faq/faq-schemas.ts';
import { renderMarkdown } from '../../src/faq/faq-entry.ts';

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

/**
 * The fastest of a few renders, in milliseconds of this process's CPU time: the machine is shared with
 * other work, and time spent waiting for a core is not time the parser holds the event loop.
 */
function bestOf(runs: number, md: string): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.cpuUsage();
    renderUser(md);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

// Measured on the 2-core machine, with other work running: the worst accepted text renders in
// 25-45 ms (before the limits, accepted texts took up to 2.5 s and previews up to 8 s). The budget
// leaves room for a slow CI run; the target stays 50 ms.
const BUDGET_MS = 100;

describe('user Markdown: the worst text the limits accept', () => {
  it(`when every hostile shape is sent at the largest size the limits accept, alone or three at a time, then each renders within ${BUDGET_MS} ms`, () => {
    renderUser('warm *up* [a](https://a.b) `x`\n\n- a\n\n```bash\nls\n```');
    const cases: [string, string][] = [];
    const accepted = new Map<string, number>();
    for (const [name, make] of Object.entries(FAMILIES)) {
      for (const filler of FILLERS) {
        const n = largestAccepted(make, filler);
        if (n > 0) cases.push([`${name} ×${n}, padded with ${JSON.stringify(filler)}`, fit(make(n), filler)]);
        if (filler === FILLERS[0]) accepted.set(name, n);
      }
    }
    // Costs add up: a third of the budget each for three shapes at once.
    const names = Object.keys(FAMILIES);
    for (let i = 0; i < 24; i++) {
      const picked = [names[(i * 7) % names.length]!, names[(i * 13 + 5) % names.length]!, names[(i * 29 + 11) % names.length]!];
      const parts = picked.map((name) => FAMILIES[name]!(Math.max(1, Math.floor((accepted.get(name) ?? 0) / 3))));
      const md = parts.join('\n\n').slice(0, USER_MARKDOWN_MAX);
      if (!userMarkdownProblem(md)) cases.push([picked.join(' + '), md]);
    }
    expect(cases.length).toBeGreaterThan(60);
    let worst = { ms: 0, name: '' };
    for (const [name, md] of cases) {
      const ms = bestOf(3, md);
      if (ms > worst.ms) worst = { ms, name };
    }
    console.log(`worst accepted Markdown: ${worst.ms.toFixed(1)} ms (${worst.name}), of ${cases.length} texts`);
    expect(worst.ms, worst.name).toBeLessThan(BUDGET_MS);
  }, 60_000);

  it('when a real-looking 16 KB entry is written (prose, lists, links, commands, a log in a code block), then it is accepted', () => {
    const log = '2024-05-01 10:11:42,871 p=12345 u=sysadmin |  fatal: [localhost]: FAILED! => {"changed": false, "msg": "lookup registry-1.docker.io on 10.10.10.1:53: no such host"}\n';
    const section = [
      '## What happened',
      'Bootstrap stops at **"Download images"** because the controller cannot resolve `registry-1.docker.io`. See the [install guide](https://docs.starlingx.io/) and [DNS notes](https://example.org/dns).',
      '1. Check the DNS servers in `localhost.yml`:\n   ```bash\n   grep -A3 dns_servers ~/localhost.yml\n   ```\n2. Test resolution from the controller:\n   - `nslookup registry-1.docker.io`\n   - `ping -c1 8.8.8.8`',
      '> [!NOTE]\n> The proxy settings matter too: _docker_http_proxy_ and _docker_https_proxy_.',
      `The log says:\n\n\`\`\`\n${log.repeat(8)}\`\`\``,
    ].join('\n\n');
    const md = section.repeat(Math.floor(USER_MARKDOWN_MAX / (section.length + 2))).slice(0, USER_MARKDOWN_MAX);
    expect(md.length).toBeGreaterThan(14_000);
    expect(userMarkdownProblem(md)).toBeUndefined();
    const html = renderUser(md);
    expect(html).toContain('<strong>"Download images"</strong>');
    expect(html).toContain('aria-label="Commands"><code class="hljs language-bash">grep -A3');
  });
});

describe('user Markdown: texts over the limits', () => {
  // Each of these took 0.5-8 s to render before the limits (measured at 16 KB).
  const HOSTILE: [string, string, RegExp][] = [
    ['mixed emphasis runs', '*a_'.repeat(3000), /Too much \* and _ markup/],
    ['a list nested by dashes', `${'- '.repeat(8000)}a`, /nested too deeply/],
    ['quotes and lists interleaved', `${'>- '.repeat(5000)}a`, /nested too deeply/],
    ['a chain of links', '[a](b)['.repeat(2000), /Too many links/],
    ['many loose list items', '- a\n\n'.repeat(3000), /Too many list items/],
    ['16 KB of quotes outside code', '"'.repeat(16_000), /Too many quotes/],
  ];

  for (const [name, md, message] of HOSTILE) {
    it(`when a field holds ${name}, then the schema refuses it with a field error and the renderer refuses it too`, () => {
      const entry = EntryInput.safeParse({ title: 'Hostile entry', phase: 'install', cause: md, fix: md });
      expect(entry.success).toBe(false);
      const byField = Object.fromEntries(entry.error!.issues.map((i) => [i.path.join('.'), i.message]));
      expect(byField.cause).toMatch(message);
      expect(byField.fix).toMatch(message);
      const preview = PreviewInput.safeParse({ cause: md });
      expect(preview.error?.issues[0]?.message).toMatch(message);
      const started = performance.now();
      expect(() => renderUser(md)).toThrow(MarkdownTooComplexError);
      expect(() => renderMarkdown(md, 'fix')).toThrow(expect.objectContaining({ status: 422, details: { fix: expect.stringMatching(message) } }));
      expect(performance.now() - started).toBeLessThan(50);
    });
  }

  it('when a review comment is a 4 KB emphasis bomb, then it is refused like a cause or a fix', () => {
    const review = ReviewInput.safeParse({ decision: 'reject', comment: '*a_'.repeat(1365) });
    expect(review.error?.issues[0]).toMatchObject({ path: ['comment'], message: expect.stringMatching(/Too much \* and _ markup/) });
  });
});

describe('user Markdown: code blocks', () => {
  it('when code blocks hold markup, then it comes out escaped, a hostile language adds no attribute, and a typed mark is left alone', () => {
    const md = [
      '```"><script>alert(1)</script>',
      '</code></pre><script>alert(1)</script><img src=x onerror=alert(1)>',
      '```',
      '',
      'onramp-code-0123456789abcdef01234567-0:',
      '',
      '- in a list:',
      '  ```bash',
      '  echo "<b>" && ls',
      '  ```',
    ].join('\n');
    const html = renderUser(md);
    expect(html).not.toMatch(/<script|<img|onerror="/);
    expect(html).toContain('<code class="hljs">&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;\n</code>');
    expect(html).toContain('onramp-code-0123456789abcdef01234567-0:');
    expect(html).toContain('<li>in a list:<div class="code-block"><button type="button" class="copy-btn" hidden>Copy</button><pre tabindex="0" role="group" aria-label="Commands"><code class="hljs language-bash">');
    expect(html.match(/class="code-block"/g)).toHaveLength(2);
  });

  // sanitize-html spends microseconds on every entity: before code blocks skipped it, this took 60-200 ms.
  it('when 16 KB of JSON with quotes and angle brackets is in a code block, then it renders in a few milliseconds', () => {
    const md = '```\n' + '{"a": "<b>", "c": [1, 2], "d": \'&\'}\n'.repeat(420) + '```';
    expect(md.length).toBeGreaterThan(15_000);
    renderUser(md);
    expect(bestOf(3, md)).toBeLessThan(20);
  });
});
