import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { CheckpointOutput } from './progress-schemas.ts';
import { badRequest } from '../lib/errors.ts';
import { onPaths, PASTE_BODY_MAX } from '../lib/security.ts';
import { parse } from '../lib/validate.ts';
import { currentUser, requireUser, webSessionId } from '../lib/web/roles.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import type { ProgressService } from './progress-service.ts';
import type { ProgressStreams } from './progress-stream.ts';
import { terminalVerdict } from './terminal-checkpoint.ts';

const DoneBody = z.strictObject({ done: z.boolean() });
const CheckpointBody = z.strictObject({ output: CheckpointOutput });
const EventsQuery = z.object({ workshop: z.string().max(64), step: z.string().max(64) });

const CHECKPOINT_PATH = '/me/progress/:workshop/:step/checkpoint';
/** As large as a pasted body may be (src/lib/security.ts); the schema and the service take it from there. */
const TEXT_LIMIT = PASTE_BODY_MAX;

/**
 * The one route that takes a plain-text body: a command's output piped from a terminal
 * (`cmd | curl --data-binary @- -H "Content-Type: text/plain" …`). Mounted with the other body
 * parsers, so every other route still refuses text with 415.
 */
export const checkpointTextBody: RequestHandler = onPaths('POST', [`/api${CHECKPOINT_PATH}`], express.text({ type: 'text/plain', limit: TEXT_LIMIT }));

/** A terminal asks for text with `Accept: text/plain`; browsers and scripts get JSON as before. */
const wantsText = (req: Request) => req.accepts(['application/json', 'text/plain']) === 'text/plain';

/** The learner's own progress under /api/me. */
export function progressApi(deps: { progress: ProgressService; catalog: Catalog; streams: ProgressStreams; baseUrl: string }): Router {
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

  r.post(CHECKPOINT_PATH, requireUser, async (req, res) => {
    const { workshop, step } = catalog.step(req.params.workshop, req.params.step);
    // Piped from a terminal, the body is the output itself; from a script or a page, JSON `{ output }`.
    const output = parse(CheckpointBody, typeof req.body === 'string' ? { output: req.body } : req.body, 400).output;
    const { passed, message, hint, attempt, summary } = await progress.checkpoint(me(req), workshop.slug, step.id, output);
    if (wantsText(req)) {
      const color = req.query.color === '1';
      res.type('text/plain; charset=utf-8').send(terminalVerdict({ baseUrl: deps.baseUrl, workshop, step, result: { passed, message, hint }, attempt, summary, color }));
      return;
    }
    res.json({ workshop: workshop.slug, step: step.id, passed, message, ...(hint ? { hint } : {}), progress: { done: summary.done, total: summary.total, percent: summary.percent } });
  });

  // The step page follows the learner's own verdicts on that step (a check sent from a terminal).
  r.get('/me/events', requireUser, (req, res) => {
    const q = EventsQuery.safeParse(req.query);
    if (!q.success) throw badRequest('Name the workshop and the step: ?workshop=…&step=….');
    const { workshop, step } = catalog.step(q.data.workshop, q.data.step);
    const latest = progress.latestAttempt(me(req), workshop.slug, step.id)?.n ?? 0;
    deps.streams.open({ userId: me(req), sid: webSessionId(req), workshop: workshop.slug, step: step.id }, res, latest);
  });

  return r;
}
