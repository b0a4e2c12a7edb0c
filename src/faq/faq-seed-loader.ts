import { loadFaqSeed } from '../content/faq-seed.ts';
import type { FaqRepository } from './faq-repository.ts';
import { newEntry, renderMarkdown } from './faq-entry.ts';
import { TEAM_AUTHOR, type FaqEntry } from './faq-types.ts';

/**
 * Loads the seed FAQ as approved entries on the first start only: a marker in the store records that
 * it happened, so entries that maintainers later retire or edit are never brought back.
 */
export async function loadSeedOnce(repo: FaqRepository, seedDir: string, log: (m: string) => void): Promise<number> {
  if (repo.isSeeded()) return 0;
  const problems: { file: string; line: number; message: string }[] = [];
  const seeds = loadFaqSeed(seedDir, problems, []);
  for (const p of problems) log(`faq seed: ${p.file}:${p.line}: ${p.message} (skipped)`);
  const entries: FaqEntry[] = [];
  for (const s of seeds) {
    if (repo.has(s.id)) continue;
    const fields = {
      title: s.title,
      errorText: s.errorText,
      deployment: s.deployment,
      phase: s.phase,
      releases: s.releases,
      cause: s.cause,
      fix: s.fix,
      sources: s.sources,
      tags: s.tags,
      steps: s.steps,
      signatures: s.signatures,
    };
    const html = { causeHtml: renderMarkdown(s.cause, 'cause'), fixHtml: renderMarkdown(s.fix, 'fix') };
    const entry = newEntry(s.id, fields, html, { authors: [TEAM_AUTHOR], status: 'approved', note: 'Shipped with Onramp' });
    entries.push(s.checked ? { ...entry, checked: { release: s.checked.release, on: s.checked.on } } : entry);
  }
  await repo.seed(entries);
  return entries.length;
}

/**
 * Stores that were seeded before entries kept the release they were confirmed on get it from the
 * seed files, once: entries the team shipped and nobody has confirmed since.
 */
export async function backfillChecked(repo: FaqRepository, seedDir: string): Promise<number> {
  const TASK = 'seed-checked';
  if (repo.hasRun(TASK)) return 0;
  const seeds = new Map(loadFaqSeed(seedDir, [], []).map((s) => [s.id, s]));
  const changed: FaqEntry[] = [];
  for (const summary of repo.summaries()) {
    const seed = seeds.get(summary.id);
    if (!seed?.checked || summary.checked || !summary.authors.includes(TEAM_AUTHOR)) continue;
    const entry = repo.get(summary.id);
    if (entry) changed.push({ ...entry, checked: { release: seed.checked.release, on: seed.checked.on } });
  }
  await repo.saveRun(TASK, changed);
  return changed.length;
}
