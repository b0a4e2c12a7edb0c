import { AppError } from '../lib/errors.ts';
import type { DraftInput } from './faq-port.ts';
import { draftsFromRst } from './rst-sections.ts';

export interface RstImportResult {
  created: { id: string; title: string }[];
  /** Sections imported before, or exported from Onramp in the first place (`faq-<id>` labels). */
  skipped: string[];
  ignored: string[];
  failed: { title: string; reason: string }[];
}

/** Imports a docs page as drafts in the review queue; a section imported before is skipped. */
export async function importRst(
  rst: string,
  file: string,
  deps: { exists: (importKey: string) => boolean; has: (id: string) => boolean; createDraft: (d: DraftInput) => Promise<{ id: string }> },
): Promise<RstImportResult> {
  const { drafts, ignored } = await draftsFromRst(rst, file);
  const result: RstImportResult = { created: [], skipped: [], ignored, failed: [] };
  for (const d of drafts) {
    const exported = /#faq-([a-z0-9-]+)$/.exec(d.importKey!)?.[1];
    if (deps.exists(d.importKey!) || (exported && deps.has(exported))) {
      result.skipped.push(d.title);
      continue;
    }
    try {
      result.created.push({ id: (await deps.createDraft(d)).id, title: d.title });
    } catch (err) {
      const reason = err instanceof AppError && err.details ? Object.values(err.details).join('; ') : (err as Error).message;
      result.failed.push({ title: d.title, reason: reason.split('\n')[0]!.slice(0, 300) });
    }
  }
  return result;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What an import did, in one sentence (the command line prints it; the maintainer page flashes it). */
export function importSentence(r: RstImportResult): string {
  return [
    `${count(r.created.length, 'draft', 'drafts')} created in the review queue`,
    `${count(r.skipped.length, 'section', 'sections')} imported before or already in Onramp`,
    `${count(r.ignored.length, 'section', 'sections')} without a cause and a fix`,
    ...(r.failed.length ? [`${r.failed.length} could not be imported (${r.failed.map((f) => `${f.title}: ${f.reason}`).join('; ')})`] : []),
  ].join('; ') + '.';
}
