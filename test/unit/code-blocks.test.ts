import { describe, it, expect } from 'vitest';
import { renderTrusted, renderUser } from '../../src/lib/markdown.ts';

const MD = ['```bash', 'system host-list', '```', '', '```console', '$ system host-list', '| 1 | controller-0 |', '```', '', '```text', 'sample output', '```', '', '```yaml', 'a: 1', '```'].join('\n');

const blocks = (html: string) => [...html.matchAll(/<div class="code-block" data-kind="([^"]+)">(<button[^>]*>Copy<\/button>)?<pre tabindex="0" role="group" aria-label="([^"]+)">/g)]
  .map((m) => ({ kind: m[1], copy: !!m[2], label: m[3] }));

describe('code blocks', () => {
  it.each([
    ['repository Markdown', (md: string) => renderTrusted(md).html],
    ['a contributor\'s Markdown', renderUser],
  ])('in %s, commands get a copy button in a bar above the code; sample output gets none; every block is labelled and focusable', (_name, render) => {
    expect(blocks(render(MD))).toEqual([
      { kind: 'Commands', copy: true, label: 'Commands' },
      { kind: 'Terminal', copy: false, label: 'Terminal' },
      { kind: 'Output', copy: false, label: 'Output' },
      { kind: 'YAML', copy: true, label: 'YAML' },
    ]);
  });
});
