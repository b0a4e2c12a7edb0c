import type { Request, Response } from 'express';
import type { Step, Workshop } from '../content/content-loader.ts';
import { htmlFor, toProfile } from '../content/profile.ts';
import type { StepDecorator } from '../lib/feature.ts';
import { learnerId, rawProfile } from '../lib/web/roles.ts';
import type { ProgressPort, ProgressSummary } from '../progress/progress-port.ts';
import type { VisitorPages } from '../lib/web/visitor-pages.ts';
import type { PageFrames } from '../lib/web/page-frames.ts';
import { LRUCache } from 'lru-cache';
import { escapeHtml } from '../lib/views.ts';

/**
 * The list of a workshop's steps (a step page shows it twice: in the phone drawer and beside the
 * step), with the current one and those done marked. It is the same for every reader at the same
 * step with the same steps done, so it is built once for each such case and kept, per loaded
 * workshop (a content reload drops it): some 150 escaped values a page fewer.
 */
const stepLists = new WeakMap<Workshop, LRUCache<string, string>>();
export function stepListHtml(workshop: Workshop, progress: ProgressSummary, current: string): string {
  let kept = stepLists.get(workshop);
  if (!kept) stepLists.set(workshop, (kept = new LRUCache({ max: 2_000 })));
  const done = workshop.steps.map((s) => (progress.steps[s.id]?.done ? '1' : '0')).join('');
  const key = `${current}\u0000${done}`;
  let html = kept.get(key);
  if (html === undefined) {
    const slug = escapeHtml(workshop.slug);
    html = `<ol class="step-links">\n${workshop.steps
      .map((s, i) => {
        const isDone = done[i] === '1';
        return `  <li class="${isDone ? 'done' : ''}"><a href="/workshops/${slug}/steps/${escapeHtml(s.id)}" ${s.id === current ? 'aria-current=step' : ''}>${escapeHtml(s.title)}${isDone ? '<span class="sr-only"> (done)</span>' : ''}</a></li>\n`;
      })
      .join('')}</ol>`;
    kept.set(key, html);
  }
  return html;
}

/** Where the StarlingX community answers questions: the guides that say so, when they are loaded (worked out once per load). */
const channelsOf = new WeakMap<ReadonlyMap<string, { title: string }>, { href: string; label: string }[]>();
export function communityChannels(guides: ReadonlyMap<string, { title: string }>): { href: string; label: string }[] {
  let channels = channelsOf.get(guides);
  if (!channels) {
    channels = ['getting-help', 'office-hours'].flatMap((slug) => (guides.has(slug) ? [{ href: `/guides/${slug}`, label: guides.get(slug)!.title }] : []));
    channelsOf.set(guides, channels);
  }
  return channels;
}

/** "Ask the community" for a step: the question template, told where the learner is. */
const askUrls = new WeakMap<Step, string>();
function askUrlOf(workshop: Workshop, step: Step): string {
  let url = askUrls.get(step);
  if (url === undefined) askUrls.set(step, (url = `/ask?${new URLSearchParams({ workshop: workshop.slug, step: step.id })}`));
  return url;
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
    pageFrames?: PageFrames;
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
  const data = {
    // "I'm stuck" opens in place; a form of its own (raising a hand) comes back to it open.
    helpOpen: req.query.help === 'open',
    askUrl: askUrlOf(workshop, step),
    channels: communityChannels(deps.guides()),
    attemptNumber: n ?? 0,
    title: `${step.title} · ${workshop.title}`,
    workshop,
    step,
    stepList: stepListHtml(workshop, progress, step.id),
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
  else if (deps.pageFrames) {
    // The frame: what every reader of this address with this profile sees (the view's personal parts aside).
    const shared = { title: data.title, workshop, step, stepHtml: data.stepHtml, profile, prev: data.prev, next: data.next, path: req.path };
    const key = `${req.path}\u0000${profile.deployment ?? ''}\u0000${profile.platform ?? ''}`;
    deps.pageFrames.render(req, res, 'workshops/step', { key, shared, data, state: deps.visitorState });
  } else res.render('workshops/step', data);
}
