import { AppError, conflict, notFound } from '../lib/errors.ts';
import type { NetworkAllowList } from '../lib/networks.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { runOnLab, type LabRun } from './lab-ssh.ts';
import type { LabsService } from './labs-service.ts';
import type { Lab } from './labs-types.ts';

/** Connections open at once, for the whole server: a room pressing the button together waits a moment rather than piling up. */
const MAX_RUNNING = 8;

/** Why a step's checkpoint cannot be checked on a lab, or undefined when it can. */
export function whyNotCheckable(command: string | undefined, allow: NetworkAllowList): string | undefined {
  if (!command) return 'This checkpoint names no command: run the one the step asks for and paste its output.';
  // sudo asks for a password on a terminal, and Onramp has none to type it on.
  if (/(^|[;&|]\s*)sudo\s/.test(command)) return 'This checkpoint’s command needs sudo, which asks for your password: run it yourself and paste the output.';
  if (allow.empty) return 'This server connects to no lab (LAB_NETWORKS is empty): run the command yourself and paste the output.';
  return undefined;
}

export type CheckOutcome =
  | { ok: true; attempt: number; passed: boolean; hint?: string; lab: string; command: string }
  | { ok: false; message: string; lab: string };

/**
 * "Check my lab": runs the step's own command (from the content, never from the request) on the
 * participant's lab, then judges its output exactly as a pasted one, through the progress service, so
 * the verdict is recorded, shown and sent to the hosts like any other checkpoint.
 */
export function createLabChecks(deps: { labs: LabsService; progress: ProgressPort; catalog: Catalog; allow: NetworkAllowList; timeoutMs: number }) {
  const { labs, progress, catalog } = deps;
  const running = new Set<string>();

  async function connect(lab: Lab, command: string | undefined, who: string): Promise<LabRun> {
    if (running.has(who)) throw conflict(`A connection to ${lab.name} is already under way; wait for it.`);
    if (running.size >= MAX_RUNNING) throw new AppError(503, 'labs_busy', 'Onramp is connecting to many labs right now: try again in a few seconds.');
    running.add(who);
    try {
      const secret = labs.secretOf(lab);
      return await runOnLab(
        { host: lab.host, port: lab.port, username: lab.username, ...(lab.auth === 'key' ? { privateKey: secret } : { password: secret }), ...(lab.hostKey ? { hostKey: lab.hostKey } : {}) },
        command,
        { allow: deps.allow, timeoutMs: deps.timeoutMs },
      );
    } finally {
      running.delete(who);
    }
  }

  return {
    async check(sessionId: string, user: SessionUser, stepId: string): Promise<CheckOutcome> {
      const s = labs.session(sessionId);
      if (s.phase !== 'live') throw conflict('Labs are checked only while the session is live.');
      const lab = labs.labOf(sessionId, user.id);
      if (!lab) throw conflict('You hold no lab in this session.');
      const step = catalog.findStep(s.workshop, stepId)?.step;
      if (!step?.checkpoint) throw notFound('This step has no checkpoint.');
      const command = step.checkpoint.command;
      const why = whyNotCheckable(command, deps.allow);
      if (why) throw conflict(why);
      const run = await connect(lab, command!, `user:${user.id}`);
      if (!run.ok) {
        await labs.recordCheck(sessionId, lab.id, { ok: false, message: run.message, step: step.id });
        return { ok: false, message: run.message, lab: lab.name };
      }
      const result = await progress.checkpoint(user.id, s.workshop, step.id, run.output);
      await labs.recordCheck(sessionId, lab.id, {
        ok: true,
        hostKey: run.hostKey,
        message: `Ran the checkpoint of “${step.title}”: ${result.passed ? 'passed' : 'not yet'}.`,
        step: step.id,
        passed: result.passed,
      });
      return { ok: true, attempt: result.attempt, passed: result.passed, ...(result.hint ? { hint: result.hint } : {}), lab: lab.name, command: command! };
    },

    /** A host tests a lab: log in and out, nothing runs; a first good login pins the host key. */
    async probe(sessionId: string, user: SessionUser, labId: string): Promise<string> {
      labs.runBy(sessionId, user);
      const lab = labs.pool(sessionId).find((l) => l.id === labId);
      if (!lab) throw notFound('This session has no such lab.');
      if (deps.allow.empty) throw conflict('This server connects to no lab (LAB_NETWORKS is empty).');
      const run = await connect(lab, undefined, `lab:${lab.id}`);
      const message = run.ok ? `Logged in to ${lab.name} as ${lab.username} in ${run.ms} ms${lab.hostKey ? '' : `; its host key ${run.hostKey} is now pinned`}.` : run.message;
      await labs.recordCheck(sessionId, lab.id, { ok: run.ok, message, ...(run.ok ? { hostKey: run.hostKey } : {}) });
      return message;
    },
  };
}

export type LabChecks = ReturnType<typeof createLabChecks>;
