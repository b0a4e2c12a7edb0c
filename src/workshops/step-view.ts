import type { Request, Response } from 'express';
import type { Services } from '../app.ts';
import type { Step, Workshop } from '../content/content-loader.ts';
import type { CheckpointResult } from '../content/checkpoint.ts';
import { learnerId } from '../auth/roles.ts';

/** Renders a step page; every feature's decorator adds its part (FAQ panel, live-session bar). */
export function renderStep(
  req: Request,
  res: Response,
  services: Services,
  workshop: Workshop,
  step: Step,
  checkpoint?: { result: CheckpointResult; output: string },
): void {
  const progress = services.progress.summary(learnerId(req), workshop.slug);
  const ctx = { workshop, step, checkpointOutput: checkpoint?.output, checkpointPassed: checkpoint?.result.passed };
  const extras = Object.assign({}, ...services.stepDecorators.map((d) => d(req, ctx)));
  res.render('workshops/step', {
    title: `${step.title} · ${workshop.title}`,
    workshop,
    step,
    progress,
    record: progress.steps[step.id],
    prev: workshop.steps[step.index - 1],
    next: workshop.steps[step.index + 1],
    result: checkpoint?.result,
    output: checkpoint?.output ?? '',
    ...extras,
  });
}
