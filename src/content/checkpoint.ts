import { renderTrustedInline } from '../lib/markdown.ts';
import { compilePattern, type Pattern } from '../lib/patterns.ts';

export const CHECKPOINT_INPUT_MAX = 16 * 1024;
/** What a checkpoint accepts as pasted; the last CHECKPOINT_INPUT_MAX of it are checked (that is where a command's verdict is). */
export const CHECKPOINT_PASTE_MAX = 256 * 1024;

export interface CheckpointSpec {
  prompt: string;
  command?: string;
  expect: string[];
  hints?: { match: string; unless?: string; hint: string }[];
  success?: string;
}

export interface Checkpoint {
  prompt: string;
  /** The command whose output is checked, as run on the learner's machine (for the terminal one-liner). */
  command?: string;
  /** The prompt and hints rendered once, so `code` in them shows as code on the page. */
  promptHtml: string;
  expect: Pattern[];
  hints: { match: Pattern; unless?: Pattern; hint: string; hintHtml: string }[];
  success: string;
  successHtml: string;
}

export interface CheckpointResult {
  passed: boolean;
  message: string;
  hint?: string;
  hintHtml?: string;
  /** The success text, rendered from the content's Markdown (only when passed). */
  messageHtml?: string;
}

/** Patterns from step front matter run on RE2 (see lib/patterns.ts): linear in the paste, whatever they say. */
export function compileCheckpoint(spec: CheckpointSpec): Checkpoint {
  return {
    prompt: spec.prompt,
    ...(spec.command ? { command: spec.command } : {}),
    promptHtml: renderTrustedInline(spec.prompt),
    expect: spec.expect.map(compilePattern),
    hints: (spec.hints ?? []).map((h) => ({
      match: compilePattern(h.match),
      unless: h.unless === undefined ? undefined : compilePattern(h.unless),
      hint: h.hint,
      hintHtml: renderTrustedInline(h.hint),
    })),
    success: spec.success ?? 'That output looks right.',
    successHtml: renderTrustedInline(spec.success ?? 'That output looks right.'),
  };
}

/** Normalizes a paste: Windows line ends, non-breaking spaces, ANSI colour codes from a terminal. */
function normalize(output: string): string {
  return output
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(/\u001b\[[0-9;]*m/g, '');
}

export function checkOutput(checkpoint: Checkpoint, output: string): CheckpointResult {
  const text = normalize(output.slice(0, CHECKPOINT_INPUT_MAX));
  if (text.trim() === '') return { passed: false, message: 'Paste the output of the command first.' };
  const bytes = Buffer.from(text);
  for (const { match, unless, hint, hintHtml } of checkpoint.hints) {
    if (match.test(bytes) && !unless?.test(bytes)) return { passed: false, message: 'The output shows a known problem:', hint, hintHtml };
  }
  const missing = checkpoint.expect.filter((re) => !re.test(bytes));
  if (missing.length === 0) return { passed: true, message: checkpoint.success, messageHtml: checkpoint.successHtml };
  return {
    passed: false,
    message:
      'This does not look like the expected output yet. Compare it with the expected output on this page, ' +
      'and check that you pasted the whole output of the right command.',
  };
}
