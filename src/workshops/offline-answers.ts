import { z } from 'zod';
import type { Workshop } from '../content/content-loader.ts';
import { CHECKPOINT_INPUT_MAX } from '../content/checkpoint.ts';
import { invalid } from '../lib/errors.ts';
import { SLUG_RE } from '../lib/validate.ts';

/**
 * What an offline copy keeps of each pasted output: its last 4 KB (what a checkpoint looks for is at the
 * end), so that the answers of a whole workshop fit in one form post (the app takes 64 KB).
 */
export const ANSWER_MAX = 4 * 1024;
/** The answers file, as pasted or read into the form. */
export const ANSWERS_FILE_MAX = 56 * 1024;

const AnswersFile = z.object({
  format: z.literal('onramp-offline-answers'),
  version: z.literal(1),
  workshop: z.string().max(64).regex(SLUG_RE),
  release: z.string().max(40).optional(),
  answers: z
    .array(z.strictObject({ step: z.string().max(64).regex(SLUG_RE), output: z.string().max(CHECKPOINT_INPUT_MAX), savedAt: z.string().max(40).optional() }))
    .max(100),
});

export interface OfflineAnswers {
  release?: string;
  /** The answers to check, one per checkpoint of this workshop (the latest when a step comes twice). */
  answers: { step: string; output: string }[];
  /** Steps named in the file that have no checkpoint in this workshop. */
  unknown: string[];
}

const FILE_PROBLEM = 'This is not an answers file exported from an offline copy of an Onramp workshop.';

/** Reads an answers file for a workshop; a file that is not one, or is for another workshop, is refused (422). */
export function readAnswers(text: string, workshop: Workshop): OfflineAnswers {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(FILE_PROBLEM, { answers: `${FILE_PROBLEM} Paste the whole file, from { to }.` });
  }
  const parsed = AnswersFile.safeParse(json);
  if (!parsed.success) throw invalid(FILE_PROBLEM, { answers: FILE_PROBLEM });
  const file = parsed.data;
  if (file.workshop !== workshop.slug) {
    throw invalid('These answers are for another workshop.', { answers: `These answers are for the workshop “${file.workshop}”: open that workshop's page and check them there.` });
  }
  const byStep = new Map<string, string>();
  const unknown: string[] = [];
  for (const a of file.answers) {
    if (!workshop.stepById.get(a.step)?.checkpoint) unknown.push(a.step);
    else if (a.output.trim() !== '') byStep.set(a.step, a.output);
  }
  const answers = workshop.steps.filter((s) => byStep.has(s.id)).map((s) => ({ step: s.id, output: byStep.get(s.id)! }));
  return { release: file.release, answers, unknown: [...new Set(unknown)] };
}
