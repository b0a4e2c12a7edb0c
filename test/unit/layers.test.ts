import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
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
