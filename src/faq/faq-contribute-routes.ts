import { Router, type Request, type Response } from 'express';
import { flash } from '../lib/web/flash.ts';
import { currentUser, hasRole, requireUser } from '../lib/web/roles.ts';
import { forbidden } from '../lib/errors.ts';
import { isSlug, parse } from '../lib/validate.ts';
import { PHASES } from '../content/content-schemas.ts';
import { renderMarkdown } from './faq-entry.ts';
import { AuthorEdit, EntryInput, formToInput } from './faq-schemas.ts';
import { blankValues, renderForm, validationErrors, valuesFromBody, valuesFromEntry, type FormValues } from './faq-views.ts';
import type { FaqRouteDeps } from './faq-routes.ts';
import { similarEntries } from './faq-similar.ts';
import type { FaqEntry } from './faq-types.ts';

/** Contributing: the form (with a preview that works without JavaScript), my entries, edit and resubmit. */
export function contributeRoutes(deps: FaqRouteDeps): Router {
  const { faq, repo, search, people, catalog, limits } = deps;
  const r = Router();

  const similarTo = (v: FormValues, except?: string) => similarEntries(search, v.title, v.errorText, except);

  const preview = (v: FormValues) => ({
    causeHtml: v.cause ? safeRender(v.cause, 'cause') : '',
    fixHtml: v.fix ? safeRender(v.fix, 'fix') : '',
  });
  const safeRender = (md: string, field: 'cause' | 'fix') => {
    try {
      return renderMarkdown(md.slice(0, 16 * 1024), field);
    } catch {
      return '<p>This Markdown could not be previewed.</p>';
    }
  };

  r.get('/faq/new', requireUser, (req, res) => {
    const q = req.query as Record<string, unknown>;
    const workshop = catalog.findWorkshop(q.workshop);
    const step = workshop && isSlug(q.step) ? workshop.stepById.get(q.step) : undefined;
    const phase = PHASES.find((p) => p === q.phase) ?? step?.phase ?? '';
    const values = blankValues({
      phase,
      deployment: workshop && workshop.deployment !== 'any' ? [workshop.deployment] : ['any'],
      steps: step ? [`${workshop!.slug}/${step.id}`] : [],
      tags: step ? step.faqTags.join(', ') : '',
    });
    renderForm(res, 200, { mode: 'new', values, becomesContributor: currentUser(req)!.role === 'learner' });
  });

  r.post('/faq/new', requireUser, limits.submit, async (req: Request, res: Response) => {
    const values = valuesFromBody(req.body ?? {});
    const user = currentUser(req)!;
    const becomesContributor = user.role === 'learner';
    if (req.body?.action === 'preview') {
      return renderForm(res, 200, { mode: 'new', values, preview: preview(values), similar: similarTo(values), becomesContributor });
    }
    try {
      const input = parse(EntryInput, formToInput(req.body ?? {}));
      const entry = await faq.submit(user, input);
      flash(res, `Thank you! "${entry.title}" is waiting for review. You will see maintainers' comments here.`);
      res.redirect(303, '/faq/mine');
    } catch (err) {
      renderForm(res, 422, { mode: 'new', values, errors: validationErrors(err), similar: similarTo(values), becomesContributor });
    }
  });

  r.get('/faq/mine', requireUser, (req, res) => {
    const user = currentUser(req)!;
    const entries = faq.mine(user.id).map((e) => ({
      id: e.id,
      title: e.title,
      status: e.status,
      updatedAt: e.updatedAt,
      canEdit: faq.canAuthorEdit(user, e),
      mergedInto: e.mergedInto,
      reviews: e.reviews.map((rv) => ({ ...rv, by: people.name(rv.by) })).reverse(),
      votes: faq.votes(e.id),
    }));
    res.render('faq/mine', { title: 'My troubleshooting entries', entries });
  });

  function editable(req: Request, id: unknown): FaqEntry {
    const user = currentUser(req);
    const entry = faq.visible(user, id);
    if (!faq.canAuthorEdit(user, entry)) throw forbidden('Only the authors can edit this entry, while it is in review or waiting for changes.');
    return entry;
  }

  r.get('/faq/:id/edit', requireUser, (req, res) => {
    const entry = isSlug(req.params.id) ? repo.get(req.params.id) : undefined;
    if (entry && !faq.canAuthorEdit(currentUser(req), entry) && hasRole(currentUser(req), 'maintainer')) {
      return res.redirect(`/review/${entry.id}/edit`);
    }
    const e = editable(req, req.params.id);
    renderForm(res, 200, { mode: 'author-edit', entry: e, values: valuesFromEntry(e) });
  });

  r.post('/faq/:id/edit', requireUser, limits.submit, async (req, res) => {
    const entry = editable(req, req.params.id);
    const values = valuesFromBody(req.body ?? {});
    if (req.body?.action === 'preview') {
      return renderForm(res, 200, { mode: 'author-edit', entry, values, preview: preview(values) });
    }
    try {
      const input = parse(AuthorEdit, formToInput(req.body ?? {}));
      await faq.resubmit(currentUser(req)!, entry.id, input, input.note);
      flash(res, `"${input.title}" was resubmitted for review.`);
      res.redirect(303, '/faq/mine');
    } catch (err) {
      renderForm(res, 422, { mode: 'author-edit', entry, values, errors: validationErrors(err) });
    }
  });

  return r;
}
