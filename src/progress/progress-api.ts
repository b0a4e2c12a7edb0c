import { Router, type Request } from 'express';
import { z } from 'zod';
import { CheckpointOutput } from './progress-schemas.ts';
import { parse } from '../lib/validate.ts';
import { currentUser, requireUser } from '../lib/web/roles.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import type { ProgressService } from './progress-service.ts';

const DoneBody = z.strictObject({ done: z.boolean() });
const CheckpointBody = z.strictObject({ output: CheckpointOutput });

/** The learner's own progress under /api/me. */
export function progressApi(deps: { progress: ProgressService; catalog: Catalog }): Router {
  const { progress, catalog } = deps;
  const r = Router();
  const me = (req: Request) => currentUser(req)!.id;

  r.get('/me/progress', requireUser, (req, res) => {
    res.json({ progress: progress.all(me(req)) });
  });

  r.get('/me/progress/:workshop', requireUser, (req, res) => {
    res.json(progress.summary(me(req), catalog.workshop(req.params.workshop).slug));
  });

  r.put('/me/progress/:workshop/:step', requireUser, async (req, res) => {
    const { workshop, step } = catalog.step(req.params.workshop, req.params.step);
    const { done } = parse(DoneBody, req.body, 400);
    const summary = await progress.setDone(me(req), workshop.slug, step.id, done);
    res.json({ workshop: workshop.slug, step: step.id, done, progress: { done: summary.done, total: summary.total, percent: summary.percent } });
  });

  r.post('/me/progress/:workshop/:step/checkpoint', requireUser, async (req, res) => {
    const { workshop, step } = catalog.step(req.params.workshop, req.params.step);
    const { output } = parse(CheckpointBody, req.body, 400);
    const { passed, message, hint, summary } = await progress.checkpoint(me(req), workshop.slug, step.id, output);
    res.json({ workshop: workshop.slug, step: step.id, passed, message, ...(hint ? { hint } : {}), progress: { done: summary.done, total: summary.total, percent: summary.percent } });
  });

  return r;
}
