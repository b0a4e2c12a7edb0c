import type { Checkpoint, CheckpointResult } from '../content/checkpoint.ts';
import type { Step, Workshop } from '../content/content-loader.ts';
import type { StepDecorator } from '../lib/feature.ts';
import { currentUser } from '../lib/web/roles.ts';
import type { ProgressSummary } from './progress-port.ts';

/** What the learner replaces when the step names no command (a console's output, a file with secrets). */
const PLACEHOLDER = 'YOUR-COMMAND';

export const checkpointApiUrl = (baseUrl: string, workshop: string, step: string) => `${baseUrl}/api/me/progress/${workshop}/${step}/checkpoint`;

/**
 * The line a learner runs where the command runs: the command's output, errors included (hints often
 * match what a command prints on stderr), sent with their token as plain text, and a verdict read back
 * as plain text. Several commands are grouped, so all of their output goes through the pipe.
 */
export function oneLiner(baseUrl: string, workshop: string, step: string, checkpoint: Pick<Checkpoint, 'command'>): string {
  const command = checkpoint.command ?? PLACEHOLDER;
  const grouped = /[;&|]/.test(command) ? `{ ${command}; }` : command;
  return `${grouped} 2>&1 | curl -sS --data-binary @- -H "Authorization: Bearer $ONRAMP_TOKEN" -H "Content-Type: text/plain" -H "Accept: text/plain" ${checkpointApiUrl(baseUrl, workshop, step)}`;
}

/**
 * Adds `terminal` to step pages with a checkpoint: the one-liner with this site's address, whether
 * the reader is signed in (a token needs an account), and their latest attempt, so a verdict sent
 * from a terminal shows on the page after a reload, and the page's script knows what it has shown.
 */
export function terminalDecorator(deps: {
  baseUrl: string;
  latestAttempt: (learnerId: string, slug: string, stepId: string) => { n: number; passed: boolean; at: string } | undefined;
}): StepDecorator {
  return (req, { workshop, step }) => {
    if (!step.checkpoint) return {};
    const user = currentUser(req);
    const latest = user ? deps.latestAttempt(user.id, workshop.slug, step.id) : undefined;
    const shown = typeof req.query.attempt === 'string' ? Number(req.query.attempt) : undefined;
    return {
      terminal: {
        line: oneLiner(deps.baseUrl, workshop.slug, step.id, step.checkpoint),
        named: !!step.checkpoint.command,
        signedIn: !!user,
        slug: workshop.slug,
        stepId: step.id,
        latest: latest ?? null,
        showingLatest: !!latest && shown === latest.n,
      },
    };
  };
}

const WIDTH = 76;

/** Breaks text into lines of at most WIDTH characters (a word longer than that keeps its own line). */
function wrap(text: string, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

const GREEN = '\u001b[32;1m';
const RED = '\u001b[31;1m';
const RESET = '\u001b[0m';

/**
 * The verdict for a terminal, in a few lines: passed (and where to go next), or the hint. Plain
 * text, so it reads the same in any terminal, a log file or a CI job; colour only when asked for.
 */
export function terminalVerdict(o: {
  baseUrl: string;
  workshop: Workshop;
  step: Step;
  result: CheckpointResult;
  attempt: number;
  summary: Pick<ProgressSummary, 'done' | 'total'>;
  color: boolean;
}): string {
  const { workshop, step, result } = o;
  const paint = (code: string, text: string) => (o.color ? `${code}${text}${RESET}` : text);
  const stepUrl = `${o.baseUrl}/workshops/${workshop.slug}/steps/${step.id}`;
  const lines = [`${paint(result.passed ? GREEN : RED, result.passed ? 'PASSED' : 'NOT YET')}  ${step.title} (step ${step.index + 1} of ${workshop.steps.length})`];
  lines.push(...wrap(result.message));
  if (result.hint) lines.push(...wrap(result.hint, '  '));
  if (result.passed) {
    const next = workshop.steps[step.index + 1];
    lines.push(`${o.summary.done} of ${o.summary.total} steps done.${next ? ` Next: ${o.baseUrl}/workshops/${workshop.slug}/steps/${next.id}` : ''}`);
  } else {
    lines.push(`Details: ${stepUrl}?attempt=${o.attempt}#checkpoint-result`);
  }
  return `${lines.join('\n')}\n`;
}
