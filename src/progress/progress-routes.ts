import { Router } from 'express';
import { z } from 'zod';
import { parse } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { learnerId } from '../lib/web/roles.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import type { ProgressService } from './progress-service.ts';
import { CheckpointOutput } from './progress-schemas.ts';

const DoneForm = z.strictObject({ done: z.enum(['1', '0']), _csrf: z.string().optional() });
const CsrfOnly = z.strictObject({ _csrf: z.string().optional() });
const CheckpointForm = z.strictObject({ output: CheckpointOutput, _csrf: z.string().optional() });

const stepUrl = (slug: string, step: string) => `/workshops/${slug}/steps/${step}`;

/**
 * Form posts from the step page: they work without JavaScript, and answer with a redirect to a page
 * that has an address (reloading or sharing it resubmits nothing).
 */
export function progressRoutes(deps: { progress: ProgressService; catalog: Catalog }): Router {
  const { progress, catalog } = deps;
  const r = Router();

  r.post('/workshops/:slug/steps/:step/progress', async (req, res) => {
    const { workshop, step } = catalog.step(req.params.slug, req.params.step);
    const { done } = parse(DoneForm, req.body, 400);
    const summary = await progress.setDone(learnerId(req, true)!, workshop.slug, step.id, done === '1');
    const next = workshop.steps[step.index + 1];
    if (done === '1' && next) return res.redirect(303, stepUrl(workshop.slug, next.id));
    if (done === '1' && summary.done === summary.total) {
      flash(res, `You finished “${workshop.title}”. Well done!`);
      return res.redirect(303, `/workshops/${workshop.slug}`);
    }
    res.redirect(303, stepUrl(workshop.slug, step.id));
  });

  // For a reader who has saved nothing yet: reading a guide counts only once they have an id.
  r.post('/guides/:slug/read', async (req, res) => {
    const guide = catalog.guide(req.params.slug);
    parse(CsrfOnly, req.body, 400);
    await progress.readGuide(learnerId(req, true)!, guide.slug);
    flash(res, 'Marked as read: it counts on your learning paths.');
    res.redirect(303, `/guides/${guide.slug}`);
  });

  // The verdict is shown by the step page at ?attempt=N: this post only records the attempt.
  r.post('/workshops/:slug/steps/:step/checkpoint', async (req, res) => {
    const { workshop, step } = catalog.step(req.params.slug, req.params.step);
    const { output } = parse(CheckpointForm, req.body, 400);
    const result = await progress.checkpoint(learnerId(req, true)!, workshop.slug, step.id, output);
    res.redirect(303, `${stepUrl(workshop.slug, step.id)}?attempt=${result.attempt}#checkpoint-result`);
  });

  return r;
}
