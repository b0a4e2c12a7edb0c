import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { isSlug } from '../lib/validate.ts';
import { compilePattern } from '../lib/patterns.ts';
import { FaqSeedMeta } from './content-schemas.ts';
import { parseFrontMatter, lineOfPath, type Problem } from './front-matter.ts';
import { linkExists, type Content } from './content-loader.ts';
import { renderTrusted } from '../lib/markdown.ts';

export type FaqSeed = z.output<typeof FaqSeedMeta> & { id: string; cause: string; fix: string; file: string };

const seedFiles = (dir: string) =>
  existsSync(join(dir, 'faq')) ? readdirSync(join(dir, 'faq')).filter((n) => n.endsWith('.md')).sort() : [];

export function seedFaqIds(dir: string): Set<string> {
  return new Set(seedFiles(dir).map((n) => n.slice(0, -3)));
}

/** Reads the seed FAQ; a broken entry is reported with file and line and left out. */
/** `warnings` gets what the content check refuses but the seed can still load (an entry that cites no source). */
export function loadFaqSeed(dir: string, problems: Problem[] = [], warnings: Problem[] = problems): FaqSeed[] {
  const out: FaqSeed[] = [];
  for (const name of seedFiles(dir)) {
    const file = join(dir, 'faq', name);
    const relFile = relative(process.cwd(), file);
    const id = name.slice(0, -3);
    if (!isSlug(id)) {
      problems.push({ file: relFile, line: 1, message: 'file name must be a kebab-case id' });
      continue;
    }
    const raw = readFileSync(file, 'utf8');
    const parsed = parseFrontMatter(relFile, raw, FaqSeedMeta, problems);
    if (!parsed) continue;
    let ok = true;
    parsed.data.signatures.forEach((sig, i) => {
      try {
        compilePattern(sig);
      } catch (err) {
        ok = false;
        problems.push({ file: relFile, line: lineOfPath(raw, ['signatures', i]), message: `signature: ${(err as Error).message}` });
      }
    });
    if (parsed.data.sources.length === 0 || !parsed.data.checked) {
      warnings.push({
        file: relFile,
        line: lineOfPath(raw, [parsed.data.sources.length === 0 ? 'sources' : 'checked']),
        message: 'an entry must name its sources (`sources:`) and when it was checked against them (`checked: { release, on }`)',
      });
    }
    const cause = /^##\s+Cause\s*$([\s\S]*?)(?=^##\s+Fix\s*$)/m.exec(parsed.body)?.[1]?.trim();
    const fix = /^##\s+Fix\s*$([\s\S]*)/m.exec(parsed.body)?.[1]?.trim();
    if (!cause || !fix) {
      ok = false;
      problems.push({ file: relFile, line: parsed.bodyLine, message: 'the body needs a "## Cause" section followed by a "## Fix" section' });
    }
    if (ok) out.push({ ...parsed.data, id, cause: cause!, fix: fix!, file: relFile });
  }
  return out;
}

/** What a seed entry points at must exist: the workshop steps it names and the pages its text links to. */
export function seedReferenceProblems(seed: FaqSeed[], content: Content, faqIds: Set<string>): Problem[] {
  const problems: Problem[] = [];
  for (const entry of seed) {
    const lines = readFileSync(entry.file, 'utf8').split('\n');
    for (const href of renderTrusted(`${entry.cause}\n\n${entry.fix}`).links) {
      if (!linkExists(href, content.workshops, content.guides, content.paths, faqIds)) {
        const at = lines.findIndex((l) => l.includes(`(${href}`));
        problems.push({ file: entry.file, line: at + 1 || 1, message: `broken internal link ${href}` });
      }
    }
    for (const ref of entry.steps) {
      const [w, s] = ref.split('/') as [string, string];
      if (!content.workshops.get(w)?.stepById.has(s)) problems.push({ file: entry.file, line: lineOfPath(lines.join('\n'), ['steps']), message: `steps: unknown workshop step ${ref}` });
    }
  }
  return problems;
}
