import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Workshop } from '../content/content-loader.ts';
import { AppError } from '../lib/errors.ts';
import { flash } from '../lib/web/flash.ts';
import { learnerId } from '../lib/web/roles.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from './catalog.ts';
import { ANSWERS_FILE_MAX, readAnswers } from './offline-answers.ts';

const AnswersForm = z.strictObject({
  _csrf: z.string().optional(),
  answers: z.string().max(ANSWERS_FILE_MAX, `The file is larger than ${ANSWERS_FILE_MAX / 1024} KB; an answers file from an offline copy is much smaller.`).refine((s) => s.trim() !== '', 'Choose the answers file, or paste it.'),
});

/** `?checked=verify.3,unlock.1`: the attempts an upload recorded, so its verdicts have an address. */
function attemptsIn(query: unknown): { step: string; n: number }[] {
  if (typeof query !== 'string') return [];
  return query.split(',').slice(0, 100).flatMap((part) => {
    const m = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.(\d{1,6})$/.exec(part);
    return m ? [{ step: m[1]!, n: Number(m[2]) }] : [];
  });
}

/**
 * Back online, a learner checks what they pasted into an offline copy: every checkpoint of the file in
 * one go, each recorded as the step page records it (the progress feature's checkpoint), so passed
 * checkpoints mark their steps done.
 */
export function offlineAnswersRoutes(deps: { catalog: Catalog; progress: ProgressPort }): Router {
  const { catalog, progress } = deps;
  const r = Router();

  function page(req: Request, res: Response, workshop: Workshop, status = 200, errors: Record<string, string> = {}, answers = '') {
    const learner = learnerId(req);
    const results = attemptsIn(req.query.checked).flatMap(({ step, n }) => {
      const s = workshop.stepById.get(step);
      const attempt = s && learner ? progress.attempt(learner, workshop.slug, step, n) : undefined;
      return s && attempt ? [{ step: s, n, result: attempt.result }] : [];
    });
    res.status(status).render('workshops/offline-answers', { title: `Check my offline answers · ${workshop.title}`, workshop, results, errors, answers, max: ANSWERS_FILE_MAX });
  }

  r.get('/workshops/:slug/offline-answers', (req, res) => page(req, res, catalog.workshop(req.params.slug)));

  r.post('/workshops/:slug/offline-answers', async (req, res) => {
    const workshop = catalog.workshop(req.params.slug);
    const raw = typeof (req.body as { answers?: unknown }).answers === 'string' ? (req.body as { answers: string }).answers : '';
    const form = AnswersForm.safeParse(req.body);
    if (!form.success) return page(req, res, workshop, 422, { answers: form.error.issues[0]!.message }, raw.slice(0, ANSWERS_FILE_MAX));
    let file;
    try {
      file = readAnswers(form.data.answers, workshop);
    } catch (err) {
      if (err instanceof AppError && err.details) return page(req, res, workshop, 422, err.details, raw);
      throw err;
    }
    if (!file.answers.length) return page(req, res, workshop, 422, { answers: 'The file holds no answer to a checkpoint of this workshop.' }, raw);
    const learner = learnerId(req, true)!;
    const checked: string[] = [];
    let passed = 0;
    for (const a of file.answers) {
      const result = await progress.checkpoint(learner, workshop.slug, a.step, a.output);
      checked.push(`${a.step}.${result.attempt}`);
      if (result.passed) passed += 1;
    }
    const notes = [
      `${passed} of ${checked.length} checkpoint${checked.length === 1 ? '' : 's'} passed.`,
      file.release && file.release !== workshop.release ? `Your copy was for release ${file.release}; the workshop is now written for ${workshop.release}.` : '',
      file.unknown.length ? `Left out, not checkpoints of this workshop: ${file.unknown.join(', ')}.` : '',
    ];
    flash(res, notes.filter(Boolean).join(' '));
    res.redirect(303, `/workshops/${workshop.slug}/offline-answers?checked=${checked.join(',')}#results`);
  });
  return r;
}
