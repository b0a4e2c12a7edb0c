import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../app.ts';
import { notFound } from '../lib/errors.ts';
import { isSlug, parse } from '../lib/validate.ts';
import { learnerId } from '../auth/roles.ts';
import { findWorkshop } from '../workshops/workshop-routes.ts';
import { CHECKPOINT_INPUT_MAX } from '../content/checkpoint.ts';
import { renderStep } from '../workshops/step-view.ts';

const DoneForm = z.strictObject({ done: z.enum(['1', '0']), _csrf: z.string().optional() });
const CheckpointForm = z.strictObject({
  output: z.string().max(CHECKPOINT_INPUT_MAX, 'Paste at most 16 KB; the last lines of the output are usually enough.'),
  _csrf: z.string().optional(),
});

/** Form posts from the step page: they work without JavaScript and come back to the page. */
export function progressRoutes(services: Services): Router {
  const r = Router();

  const stepOf = (slug: unknown, stepId: unknown) => {
    const workshop = findWorkshop(services, slug);
    const step = isSlug(stepId) ? workshop.stepById.get(stepId) : undefined;
    if (!step) throw notFound('This workshop has no such step.');
    return { workshop, step };
  };

  r.post('/workshops/:slug/steps/:step/progress', async (req, res) => {
    const { workshop, step } = stepOf(req.params.slug, req.params.step);
    const { done } = parse(DoneForm, req.body, 400);
    const summary = await services.progress.setDone(learnerId(req, true)!, workshop.slug, step.id, done === '1');
    const next = workshop.steps[step.index + 1];
    if (done === '1' && next) return res.redirect(303, `/workshops/${workshop.slug}/steps/${next.id}`);
    if (done === '1' && summary.done === summary.total) {
      req.session.flash = `You finished “${workshop.title}”. Well done!`;
      return res.redirect(303, `/workshops/${workshop.slug}`);
    }
    res.redirect(303, `/workshops/${workshop.slug}/steps/${step.id}`);
  });

  r.post('/workshops/:slug/steps/:step/checkpoint', async (req, res) => {
    const { workshop, step } = stepOf(req.params.slug, req.params.step);
    const parsed = CheckpointForm.safeParse(req.body);
    const output = typeof req.body?.output === 'string' ? req.body.output.slice(0, CHECKPOINT_INPUT_MAX) : '';
    const result = parsed.success
      ? await services.progress.checkpoint(learnerId(req, true)!, workshop.slug, step.id, parsed.data.output)
      : { passed: false, message: parsed.error.issues[0]?.message ?? 'Paste the output of the command.' };
    res.status(parsed.success ? 200 : 422);
    if (!result.passed) await services.faq?.whenIndexed(); // the page lists FAQ entries matching the output
    renderStep(req, res, services, workshop, step, { result, output });
  });

  return r;
}
