import { describe, it, expect } from 'vitest';
import { renderTrusted, renderUser } from '../../src/lib/markdown.ts';

const MD = ['```bash', 'system host-list', '```', '', '```console', '$ system host-list', '| 1 | controller-0 |', '```', '', '```text', 'sample output', '```', '', '```yaml', 'a: 1', '```'].join('\n');

const blocks = (html: string) => [...html.matchAll(/<div class="code-block">(<button[^>]*>Copy<\/button>)?<pre tabindex="0" role="group" aria-label="([^"]+)">/g)]
  .map((m) => ({ copy: !!m[1], label: m[2] }));

describe('code blocks', () => {
  it.each([
    ['repository Markdown', (md: string) => renderTrusted(md).html],
    ['a contributor\'s Markdown', renderUser],
  ])('in %s, commands get a copy button in a bar above the code; sample output gets none; every block is labelled and focusable', (_name, render) => {
    expect(blocks(render(MD))).toEqual([
      { copy: true, label: 'Commands' },
      { copy: false, label: 'Terminal' },
      { copy: false, label: 'Output' },
      { copy: true, label: 'YAML' },
    ]);
  });
});
