import { describe, it, expect } from 'vitest';
import { dirname, join, relative, resolve } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** The messages the project's lint gives a file with this text at this path. */
async function lint(path: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, path) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint keeps the layers', () => {
  it('when src/lib imports a feature, then lint refuses it', async () => {
    expect(await lint('src/lib/example.ts', "import { faqFeature } from '../faq/faq-feature.ts';\nexport const x = faqFeature;\n")).toEqual([
      expect.stringMatching(/no-restricted-imports: .*src\/lib and src\/content are below the features/),
    ]);
  });

  it('when a feature imports another feature past its port, then lint refuses it; the port is fine', async () => {
    expect(await lint('src/sessions/example.ts', "import { createFaqService } from '../faq/faq-service.ts';\nexport const x = createFaqService;\n")).toEqual([
      expect.stringMatching(/no-restricted-imports: .*through ports/),
    ]);
    expect(await lint('src/sessions/example.ts', "import type { FaqPort } from '../faq/faq-port.ts';\nexport type X = FaqPort;\n")).toEqual([]);
  });

  it('when a service uses the store at run time, then lint refuses it; a repository may, and a type import is fine', async () => {
    const code = "import { openStore } from '../lib/db.ts';\nexport const x = openStore;\n";
    expect(await lint('src/faq/faq-service-example.ts', code)).toEqual([expect.stringMatching(/Only repositories/)]);
    expect(await lint('src/faq/example-repository.ts', code)).toEqual([]);
    expect(await lint('src/faq/faq-feature-example.ts', "import type { Store } from '../lib/store/store.ts';\nexport type X = Store;\n")).toEqual([]);
  });

  it('when a service renders a view, then lint refuses it; routes may', async () => {
    const code = "import type { Response } from 'express';\nexport const show = (res: Response) => res.render('home', {});\n";
    expect(await lint('src/faq/faq-service-example.ts', code)).toEqual([expect.stringMatching(/Views are rendered from routes/)]);
    expect(await lint('src/faq/example-routes.ts', code)).toEqual([]);
  });
});

/** Relative imports between the files of src/ (type-only ones too: a circle of types still ties the files together). */
function importGraph(): Map<string, string[]> {
  const files = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src', f));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => resolve(dirname(file), m[1]!));
    graph.set(file, targets.filter((t) => known.has(t)));
  }
  return graph;
}

/** Strongly connected groups of more than one file (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(relative(root, w));
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the wiring has no circles', () => {
  it('when the files of src/ are followed by their imports, then no file leads back to itself', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300); // the imports were read
    expect(circles(graph)).toEqual([]);
  });

  it('when two files import each other, then the check names them', () => {
    const graph = new Map([[join(root, 'src/a.ts'), [join(root, 'src/b.ts')]], [join(root, 'src/b.ts'), [join(root, 'src/a.ts')]], [join(root, 'src/c.ts'), []]]);
    expect(circles(graph)).toEqual([['src/a.ts', 'src/b.ts']]);
  });
});
