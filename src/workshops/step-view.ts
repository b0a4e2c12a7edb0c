import type { Request, Response } from 'express';
import type { Step, Workshop } from '../content/content-loader.ts';
import { htmlFor, toProfile } from '../content/profile.ts';
import type { StepDecorator } from '../lib/feature.ts';
import { learnerId, rawProfile } from '../lib/web/roles.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { VisitorPages } from '../lib/web/visitor-pages.ts';

/** Where the StarlingX community answers questions: the guides that say so, when they are loaded. */
export function communityChannels(guides: ReadonlyMap<string, { title: string }>): { href: string; label: string }[] {
  return ['getting-help', 'office-hours'].flatMap((slug) => (guides.has(slug) ? [{ href: `/guides/${slug}`, label: guides.get(slug)!.title }] : []));
}

/**
 * Renders a step page: the step for the reader's deployment profile, their progress, the verdict of
 * the checkpoint attempt the address names (`?attempt=N`, only their own), and every feature's part.
 */
export function renderStep(
  req: Request,
  res: Response,
  deps: {
    progress: ProgressPort;
    decorators: readonly StepDecorator[];
    guides: () => ReadonlyMap<string, { title: string }>;
    /** What a visitor's step page depends on besides its address (kept pages are current while it holds). */
    visitorState: () => readonly unknown[];
    visitorPages?: VisitorPages;
  },
  workshop: Workshop,
  step: Step,
): void {
  const learner = learnerId(req);
  const progress = deps.progress.summary(learner, workshop.slug);
  const n = typeof req.query.attempt === 'string' && /^\d{1,6}$/.test(req.query.attempt) ? Number(req.query.attempt) : undefined;
  const attempt = n === undefined ? undefined : deps.progress.attempt(learner, workshop.slug, step.id, n);
  const view = { workshop, step, checkpoint: attempt && { output: attempt.output, passed: attempt.result.passed } };
  const extras = Object.assign({}, ...deps.decorators.map((d) => d(req, view)));
  const profile = toProfile(rawProfile(req));
  const params = new URLSearchParams({ workshop: workshop.slug, step: step.id });
  const data = {
    // "I'm stuck" opens in place; a form of its own (raising a hand) comes back to it open.
    helpOpen: req.query.help === 'open',
    askUrl: `/ask?${params}`,
    channels: communityChannels(deps.guides()),
    attemptNumber: n ?? 0,
    title: `${step.title} · ${workshop.title}`,
    workshop,
    step,
    stepHtml: htmlFor(step, profile),
    profile,
    progress,
    record: progress.steps[step.id],
    prev: workshop.steps[step.index - 1],
    next: workshop.steps[step.index + 1],
    result: attempt?.result,
    output: attempt?.output ?? '',
    truncated: attempt?.truncated ?? false,
    ...extras,
  };
  if (deps.visitorPages?.eligible(req)) deps.visitorPages.render(req, res, 'workshops/step', data, deps.visitorState);
  else res.render('workshops/step', data);
}
