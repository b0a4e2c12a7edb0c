import { Router, type Request, type Response } from 'express';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireRole } from '../lib/web/roles.ts';
import { notFound } from '../lib/errors.ts';
import { isSlug, parse } from '../lib/validate.ts';
import type { ReviewService } from './faq-review-service.ts';
import type { Insights } from './faq-insights.ts';
import { ConfirmInput, MaintainerInput, MergeInput, RetireInput, ReviewInput, formToInput } from './faq-schemas.ts';
import { renderForm, validationErrors, valuesFromBody, valuesFromEntry } from './faq-views.ts';
import { STATUSES, type EntrySummary, type FaqEntry } from './faq-types.ts';
import type { FaqRouteDeps } from './faq-routes.ts';
import type { FaqRepository } from './faq-repository.ts';

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
    const unconfirmed = deps.feedback.unconfirmed();
    const showUnconfirmed = !status && req.query.unconfirmed === '1';
    const list = status ? repo.summaries().filter((e) => e.status === status).sort((a, b) => a.title.localeCompare(b.title)) : showUnconfirmed ? unconfirmed : review.queue();
    res.render('faq/review-queue', {
      title: 'Review queue',
      status: status ?? (showUnconfirmed ? 'unconfirmed' : ''),
      statuses: STATUSES,
      entries: list.slice(0, 200).map(summary),
      total: list.length,
      waiting: status || showUnconfirmed ? [] : review.waitingOnAuthors().map(summary),
      // Published entries readers keep saying did not help come first: they need a maintainer most.
      attention: status || showUnconfirmed ? [] : deps.feedback.attention().slice(0, 20),
      currentRelease: deps.feedback.currentRelease(),
      unconfirmedCount: unconfirmed.length,
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
      reasons: deps.feedback.entryReasons(e.id),
      duplicates: likelyDuplicates(e),
      currentRelease: deps.feedback.currentRelease(),
      errors,
      values,
    });
  }

  /** Published entries whose text matches this one's title and error text (what a reader would have searched). */
  function likelyDuplicates(e: FaqEntry) {
    if (e.mergedInto) return [];
    return deps.search
      .matchLog(`${e.title}\n${e.errorText}`.trim(), 8)
      .filter((m) => m.ref !== e.id)
      .slice(0, 5)
      .flatMap((m) => {
        const d = repo.summary(m.ref);
        return d && !d.mergedInto ? [{ id: d.id, title: d.title, status: d.status }] : [];
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
      const values = Object.fromEntries(['comment', 'into', 'decision', 'release'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string).slice(0, 4096) : '']));
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

  r.post('/review/:id/confirm', (req, res) =>
    act(req, res, async () => {
      const { release } = parse(ConfirmInput, req.body ?? {});
      await review.confirm(currentUser(req)!, entryOf(req.params.id).id, release);
      return `Confirmed for StarlingX ${release}: readers see it is current.`;
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

/** The merge form's type-ahead: entries whose id or title holds the typed text (maintainers only). */
export function reviewApi(deps: { repo: FaqRepository }): Router {
  const r = Router();
  r.get('/review/entries', requireRole('maintainer'), (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase().slice(0, 64) : '';
    const except = typeof req.query.except === 'string' ? req.query.except : '';
    const found = q.length < 2 ? [] : deps.repo
      .summaries()
      .filter((e) => e.id !== except && !e.mergedInto && e.status !== 'retired' && e.status !== 'rejected' && (e.id.includes(q) || e.title.toLowerCase().includes(q)))
      .sort((a, b) => Number(!a.id.startsWith(q)) - Number(!b.id.startsWith(q)) || a.title.localeCompare(b.title))
      .slice(0, 10);
    res.json({ entries: found.map((e) => ({ id: e.id, title: e.title, status: e.status })) });
  });
  return r;
}
