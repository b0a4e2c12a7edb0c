import { Router, type Request, type Response } from 'express';
import { fieldErrors } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser, learnerId } from '../lib/web/roles.ts';
import type { StepDecorator } from '../lib/feature.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import { FeedbackForm } from './faq-schemas.ts';
import type { FaqService } from './faq-service.ts';
import type { Feedback } from './faq-feedback.ts';

const THANKS = { yes: 'Thank you: glad it helped.', no: 'Thank you: maintainers read what was missing and improve it.' };

/**
 * "Did this help?" on entries and steps: no account needed (a visitor gets their id, as when saving
 * progress), one answer per reader that they can change, limited per address.
 */
export function feedbackRoutes(deps: { faq: FaqService; feedback: Feedback; limits: RateLimits }): Router {
  const { faq, feedback, limits } = deps;
  const r = Router();

  /** Reads the form; a refused one becomes a message on the page the reader came from. */
  function answer(req: Request, res: Response, back: string): { helpful: boolean; missing?: string } | undefined {
    const parsed = FeedbackForm.safeParse(req.body);
    if (!parsed.success) {
      flash(res, Object.values(fieldErrors(parsed.error))[0] ?? 'That answer could not be read.');
      res.redirect(303, back);
      return undefined;
    }
    return { helpful: parsed.data.helpful === '1', missing: parsed.data.missing || undefined };
  }

  r.post('/faq/:id/votes', limits.feedback, async (req, res) => {
    const entry = faq.visible(currentUser(req), req.params.id);
    const a = answer(req, res, `/faq/${entry.id}#votes`);
    if (!a) return;
    await faq.vote(learnerId(req, true)!, entry.id, a.helpful, a.missing);
    flash(res, a.helpful ? THANKS.yes : THANKS.no);
    res.redirect(303, `/faq/${entry.id}#votes`);
  });

  r.post('/workshops/:slug/steps/:step/feedback', limits.feedback, async (req, res) => {
    const { workshop, step } = feedback.step(req.params.slug, req.params.step);
    const back = `/workshops/${workshop.slug}/steps/${step.id}#step-feedback`;
    const a = answer(req, res, back);
    if (!a) return;
    await feedback.onStep(learnerId(req, true)!, workshop.slug, step.id, a.helpful, a.missing);
    flash(res, a.helpful ? THANKS.yes : THANKS.no);
    res.redirect(303, back);
  });

  return r;
}

/** The step page's "Did this help?": where to send the answer, and the reader's own, if any. */
export function stepFeedbackDecorator(feedback: Feedback): StepDecorator {
  return (req, { workshop, step }) => ({
    stepFeedback: {
      action: `/workshops/${workshop.slug}/steps/${step.id}/feedback`,
      mine: feedback.stepAnswer(learnerId(req), `${workshop.slug}/${step.id}`),
    },
  });
}
