import { Router, type Request, type Response } from 'express';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireRole } from '../lib/web/roles.ts';
import { notFound } from '../lib/errors.ts';
import { isSlug, parse } from '../lib/validate.ts';
import type { ReviewService } from './faq-review-service.ts';
import type { Insights } from './faq-insights.ts';
import { MaintainerInput, MergeInput, RetireInput, ReviewInput, formToInput } from './faq-schemas.ts';
import { renderForm, validationErrors, valuesFromBody, valuesFromEntry } from './faq-views.ts';
import { STATUSES, type EntrySummary, type FaqEntry } from './faq-types.ts';
import type { FaqRouteDeps } from './faq-routes.ts';

const FLASH: Record<string, string> = {
  approve: 'Approved: the entry is public now.',
  'request-changes': 'Changes requested: the authors see your comment.',
  reject: 'Rejected, with your reason recorded.',
};

/** The maintainers' review queue and the decisions taken from it. */
export function reviewRoutes(deps: FaqRouteDeps & { review: ReviewService; insights: Insights }): Router {
  const { faq, repo, review, people } = deps;
  const r = Router();
  r.use('/review', requireRole('maintainer'));

  // What maintainers look at to decide what to write next.
  r.get('/insights', requireRole('maintainer'), async (_req, res) => {
    res.render('faq/insights', { title: 'Insights', ...(await deps.insights.compute()) });
  });

  const entryOf = (id: unknown): FaqEntry => {
    const e = isSlug(id) ? repo.get(id) : undefined;
    if (!e) throw notFound('There is no FAQ entry at this address.');
    return e;
  };
  const summary = (e: EntrySummary) => ({ id: e.id, title: e.title, status: e.status, authors: people.names(e.authors), origin: e.origin, updatedAt: e.updatedAt, createdAt: e.createdAt });

  r.get('/review', (req, res) => {
    const status = STATUSES.find((s) => s === req.query.status);
    const list = status ? repo.summaries().filter((e) => e.status === status).sort((a, b) => a.title.localeCompare(b.title)) : review.queue();
    res.render('faq/review-queue', {
      title: 'Review queue',
      status: status ?? '',
      statuses: STATUSES,
      entries: list.slice(0, 200).map(summary),
      total: list.length,
      waiting: status ? [] : review.waitingOnAuthors().map(summary),
    });
  });

  function detail(res: Response, e: FaqEntry, status = 200, errors: Record<string, string> = {}, values: Record<string, string> = {}) {
    res.status(status).render('faq/review-entry', {
      title: `Review: ${e.title}`,
      entry: e,
      authors: people.names(e.authors),
      revisions: e.revisions.map((rev, i) => ({ n: i, at: rev.at, by: people.name(rev.by), note: rev.note })),
      reviews: e.reviews.map((rv) => ({ ...rv, by: people.name(rv.by) })),
      votes: faq.votes(e.id),
      errors,
      values,
    });
  }

  r.get('/review/:id', (req, res) => detail(res, entryOf(req.params.id)));

  async function act(req: Request, res: Response, run: () => Promise<string>): Promise<void> {
    const e = entryOf(req.params.id);
    try {
      flash(res, await run());
      res.redirect(303, `/review/${e.id}`);
    } catch (err) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(['comment', 'into', 'decision'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string).slice(0, 4096) : '']));
      detail(res, entryOf(req.params.id), 422, validationErrors(err), values);
    }
  }

  r.post('/review/:id/decision', (req, res) =>
    act(req, res, async () => {
      const { decision, comment } = parse(ReviewInput, { decision: req.body?.decision, comment: req.body?.comment ?? '' });
      await review.decide(currentUser(req)!, entryOf(req.params.id).id, decision, comment);
      return FLASH[decision]!;
    }),
  );

  r.post('/review/:id/merge', (req, res) =>
    act(req, res, async () => {
      const { into, comment } = parse(MergeInput, { into: req.body?.into, comment: req.body?.comment ?? '' });
      await review.merge(currentUser(req)!, entryOf(req.params.id).id, into, comment);
      return `Merged into ${into}: its address now leads there.`;
    }),
  );

  r.post('/review/:id/retire', (req, res) =>
    act(req, res, async () => {
      const { comment } = parse(RetireInput, { comment: req.body?.comment ?? '' });
      await review.retire(currentUser(req)!, entryOf(req.params.id).id, comment);
      return 'Retired: the entry is no longer public.';
    }),
  );

  r.get('/review/:id/edit', (req, res) => {
    const e = entryOf(req.params.id);
    renderForm(res, 200, { mode: 'maintainer-edit', entry: e, values: valuesFromEntry(e) });
  });

  r.post('/review/:id/edit', async (req, res) => {
    const e = entryOf(req.params.id);
    const values = valuesFromBody(req.body ?? {});
    try {
      const input = parse(MaintainerInput, formToInput(req.body ?? {}));
      await review.edit(currentUser(req)!, e.id, input);
      flash(res, 'Saved as a new revision.');
      res.redirect(303, `/review/${e.id}`);
    } catch (err) {
      renderForm(res, 422, { mode: 'maintainer-edit', entry: e, values, errors: validationErrors(err) });
    }
  });

  return r;
}
