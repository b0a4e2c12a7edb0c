import { Router, type Request, type Response } from 'express';
import { currentUser, requireRole, requireUser } from '../lib/web/roles.ts';
import { parse } from '../lib/validate.ts';
import type { SearchFilters } from '../search/search-service.ts';
import type { ReviewService } from './faq-review-service.ts';
import { EntryInput, PreviewInput, ReviewInput, SearchBody, VoteInput, searchParams } from './faq-schemas.ts';
import { renderMarkdown } from './faq-entry.ts';
import { publicEntry } from './faq-views.ts';
import { similarEntries } from './faq-similar.ts';
import { reporterOf, type FaqRouteDeps } from './faq-routes.ts';

/** The FAQ under /api: the same services as the pages, errors as { error: { code, message, details } }. */
export function faqApi(deps: FaqRouteDeps & { review: ReviewService }): Router {
  const { faq, repo, search, review, people, limits } = deps;
  const r = Router();

  function answerSearch(req: Request, res: Response, q: string, filters: SearchFilters, limit = 20) {
    if (!q.trim()) {
      const list = repo
        .summaries()
        .filter((e) => e.status === 'approved')
        .sort((a, b) => a.title.localeCompare(b.title))
        .slice(0, limit);
      return res.json({ mode: 'list', results: list.map((e) => ({ id: e.id, title: e.title, url: `/faq/${e.id}`, phase: e.phase, deployment: e.deployment })) });
    }
    const out = search.search(q, filters, { kinds: ['faq'], limit, recordMiss: reporterOf(req) });
    res.json({
      mode: out.mode,
      // Only what clears the relevance floor: a paste from other software gets no entries.
      results: out.results.map((x) => ({ id: x.ref, title: x.title, url: x.url, tier: x.tier, exact: x.exact, reasons: x.reasons, score: x.score, phase: x.phase, deployment: x.deployment, titleHtml: x.titleHtml, snippetHtml: x.snippetHtml })),
      ...(out.features ? { extracted: { errorLines: out.features.errorLines.slice(0, 10), alarmIds: out.features.alarmIds, failedTasks: out.features.failedTasks, exitCodes: out.features.exitCodes, commands: out.features.commands } } : {}),
    });
  }

  r.get('/faq', (req, res) => {
    const { q, filters } = searchParams(req.query as Record<string, unknown>);
    const limit = Math.min(50, Math.max(1, Number(req.query.limit) || 20));
    answerSearch(req, res, q, filters, limit);
  });

  // Suggestions while a contributor types: the same reading as the form's server-rendered list.
  r.get('/faq/similar', (req, res) => {
    const text = (name: string, max: number) => (typeof req.query[name] === 'string' ? (req.query[name] as string).slice(0, max) : '');
    res.json({ results: similarEntries(search, text('title', 200), text('errorText', 4000), text('except', 100) || undefined).map((e) => ({ ...e, url: `/faq/${e.id}` })) });
  });

  // Logs longer than an address allows are posted.
  r.post('/faq/search', (req, res) => {
    const body = parse(SearchBody, req.body, 400);
    answerSearch(req, res, body.q, { deployment: body.deployment, phase: body.phase, release: body.release }, body.limit);
  });

  r.post('/faq/preview', requireUser, limits.submit, (req, res) => {
    const body = parse(PreviewInput, req.body, 400);
    const render = (md: string, field: 'cause' | 'fix') => {
      try {
        return md ? renderMarkdown(md, field) : '';
      } catch {
        return '<p>This Markdown could not be previewed.</p>';
      }
    };
    res.json({ causeHtml: render(body.cause, 'cause'), fixHtml: render(body.fix, 'fix') });
  });

  r.get('/review-queue', requireRole('maintainer'), (_req, res) => {
    res.json({
      entries: review.queue().map((e) => ({ id: e.id, title: e.title, status: e.status, authors: people.names(e.authors), origin: e.origin ?? null, createdAt: e.createdAt, updatedAt: e.updatedAt })),
    });
  });

  const entryFor = (req: Request) => faq.visible(currentUser(req), req.params.id);

  r.get('/faq/:id', (req, res) => {
    const { entry, movedTo } = faq.readable(currentUser(req), req.params.id);
    if (movedTo) return res.redirect(301, `/api/faq/${movedTo}`);
    res.json(publicEntry(entry, people, faq.votes(entry.id)));
  });

  r.post('/faq', requireUser, limits.submit, async (req, res) => {
    const input = parse(EntryInput, req.body);
    const entry = await faq.submit(currentUser(req)!, input);
    res.status(201).location(`/api/faq/${entry.id}`).json(publicEntry(entry, people, faq.votes(entry.id)));
  });

  r.post('/faq/:id/votes', requireUser, limits.submit, async (req, res) => {
    const { helpful } = parse(VoteInput, req.body, 400);
    const e = entryFor(req);
    res.json({ id: e.id, ...(await faq.vote(currentUser(req)!.id, e.id, helpful)) });
  });

  r.post('/faq/:id/reviews', requireRole('maintainer'), async (req, res) => {
    const { decision, comment } = parse(ReviewInput, req.body);
    const e = await review.decide(currentUser(req)!, entryFor(req).id, decision, comment);
    res.json({ id: e.id, status: e.status, review: e.reviews.at(-1) });
  });

  return r;
}
