import { resolve } from 'node:path';
import { loadContent } from '../content/content-loader.ts';
import { loadFaqSeed, seedFaqIds, seedReferenceProblems } from '../content/faq-seed.ts';
import type { Problem } from '../content/front-matter.ts';

/** `npm run content:check [CONTENT_DIR] [SEED_DIR]`: every problem with file and line; exit 1 if any. */
const contentDir = resolve(process.argv[2] ?? process.env.CONTENT_DIR ?? 'workshops');
const seedDir = resolve(process.argv[3] ?? process.env.SEED_DIR ?? 'seed');

const problems: Problem[] = [];
const seed = loadFaqSeed(seedDir, problems);
const content = loadContent(contentDir, seedFaqIds(seedDir));
problems.push(...content.problems, ...content.warnings);

problems.push(...seedReferenceProblems(seed, content, seedFaqIds(seedDir)));

for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
const steps = [...content.workshops.values()].reduce((n, w) => n + w.steps.length, 0);
console.log(
  `${content.workshops.size} workshops (${steps} steps), ${content.guides.size} guides, ${content.paths.size} paths, ` +
    `${seed.length} seed FAQ entries: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
);
process.exit(problems.length ? 1 : 0);
