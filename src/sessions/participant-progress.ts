import type { Workshop } from '../content/content-loader.ts';
import type { ProgressListener } from '../progress/progress-port.ts';
import type { Participant } from './sessions-types.ts';

type ProgressChange = Pick<Parameters<ProgressListener>[0], 'step' | 'kind' | 'passed' | 'hint'>;

/**
 * A participant's record after a progress event, or undefined when nothing the hosts see changed.
 * Time on a step runs from arriving at it to marking it done; marking a step done moves the
 * participant to the next one and takes down their "I'm stuck" flag for that step. A checkpoint,
 * wherever it was sent from (the step page or a terminal), is shown with its verdict and hint.
 */
export function applyProgress(p: Participant, workshop: Workshop, change: ProgressChange, now: number): Participant | undefined {
  const { step: stepId, kind } = change;
  const step = workshop.stepById.get(stepId);
  if (!step) return undefined;
  const at = new Date(now).toISOString();
  const next: Participant = structuredClone(p);
  if (kind === 'checkpoint') {
    next.checkpoint = { step: stepId, passed: change.passed === true, ...(change.hint ? { hint: change.hint } : {}), at };
    if (p.currentStep !== stepId) {
      next.currentStep = stepId;
      next.stepEnteredAt = at;
    }
    return next;
  }
  if (kind === 'visit') {
    if (p.currentStep === stepId) return undefined;
    next.currentStep = stepId;
    next.stepEnteredAt = at;
    return next;
  }
  if (kind === 'undone') {
    if (!p.stepsDone.includes(stepId)) return undefined;
    next.stepsDone = p.stepsDone.filter((s) => s !== stepId);
    return next;
  }
  if (p.stepsDone.includes(stepId)) return undefined;
  next.stepsDone.push(stepId);
  if (p.currentStep === stepId) {
    next.stepTimes[stepId] = (p.stepTimes[stepId] ?? 0) + Math.max(0, now - Date.parse(p.stepEnteredAt));
    const following = workshop.steps[step.index + 1];
    if (following) {
      next.currentStep = following.id;
      next.stepEnteredAt = at;
    }
  }
  if (p.stuck?.step === stepId) delete next.stuck;
  return next;
}
