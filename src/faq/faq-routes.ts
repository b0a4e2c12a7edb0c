import { Router, type Request, type Response } from 'express';
import type { Catalog } from '../workshops/workshops-port.ts';
import { DEPLOYMENTS, PHASES } from '../content/content-schemas.ts';
import { currentUser, hasRole, learnerId, rawProfile } from '../lib/web/roles.ts';
import { notFound } from '../lib/errors.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import type { SearchService } from '../search/search-service.ts';
import { releaseMatches } from '../search/release.ts';
import type { FaqRepository } from './faq-repository.ts';
import type { FaqService } from './faq-service.ts';
import type { People } from './faq-people.ts';
import { searchParams } from './faq-schemas.ts';
import type { RevisionDiffs } from './faq-diff.ts';
import type { RecentPastes } from '../search/recent-pastes.ts';
import { LOG_INPUT_MAX, reduceForAddress, tailOf } from '../search/log-features.ts';
import type { Feedback } from './faq-feedback.ts';
import type { FaqEntry } from './faq-types.ts';
import { toProfile } from '../content/profile.ts';

export interface FaqRouteDeps {
  faq: FaqService;
  repo: FaqRepository;
  search: SearchService;
  people: People;
  catalog: Catalog;
  limits: RateLimits;
  /** Revision diffs, bounded and cached (a hostile pair of revisions is costly to compare). */
  diffs: RevisionDiffs;
  pastes: RecentPastes;
  /** Readers' feedback and the release entries are confirmed for. */
  feedback: Feedback;
}

const BROWSE_MAX = 200;
/** Longer queries get a short address: their telling lines, and a key to the whole paste. */
const ADDRESS_MAX = 1500;

/** Who a content gap is counted for: an account, or a visitor's address. */
export const reporterOf = (req: Request) => (currentUser(req) ? `u:${currentUser(req)!.id}` : `a:${req.ip ?? 'unknown'}`);

/** Reading the FAQ: search (typed or pasted), entries, votes, revision history. */
export function faqRoutes(deps: FaqRouteDeps): Router {
  const { faq, repo, search, people, catalog } = deps;
  const r = Router();

  function browse(filters: ReturnType<typeof searchParams>['filters']) {
    const order = (p: string) => PHASES.indexOf(p as (typeof PHASES)[number]);
    return repo
      .summaries()
      .filter((e) => e.status === 'approved')
      .filter((e) => !filters.deployment || e.deployment.includes('any') || e.deployment.includes(filters.deployment))
      .filter((e) => !filters.phase || e.phase === filters.phase)
      .filter((e) => !filters.release || releaseMatches(e.releases, filters.release))
      .sort((a, b) => order(a.phase) - order(b.phase) || a.title.localeCompare(b.title));
  }

  /** The address of a search: the query itself, or for a long paste its telling lines and a key to the whole. */
  function addressOf(q: string, filters: ReturnType<typeof searchParams>['filters'], extra: Record<string, string> = {}): string {
    const params = new URLSearchParams();
    if (q.length <= ADDRESS_MAX) params.set('q', q);
    else {
      params.set('q', reduceForAddress(q, ADDRESS_MAX));
      params.set('paste', deps.pastes.keep(q));
    }
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) params.set(k, v);
    // "Any deployment", chosen: said in the address, or the reader's profile would apply again.
    if (!filters.deployment && extra.deployment === '') params.set('deployment', '');
    return `/faq?${params}`;
  }

  /**
   * A reader who said what they install sees entries for that deployment (and for any) until they
   * choose another in the form; if that finds nothing for a query, every deployment's entries are searched.
   */
  function withProfile(req: Request, raw: Record<string, unknown>, filters: ReturnType<typeof searchParams>['filters']) {
    const profile = toProfile(rawProfile(req));
    const fromProfile = raw.deployment === undefined && !!profile.deployment;
    return { filters: fromProfile ? { ...filters, deployment: profile.deployment } : filters, fromProfile: fromProfile ? profile.deployment : undefined };
  }

  function searchPage(req: Request, res: Response, raw: Record<string, unknown>): void {
    const params = searchParams(raw);
    const pasted = deps.pastes.get(raw.paste);
    const q = pasted ?? params.q;
    const { filters, fromProfile } = withProfile(req, raw, params.filters);
    let outcome = q.trim() ? search.search(q, filters, { limit: 25, ...(fromProfile ? {} : { recordMiss: reporterOf(req) }) }) : undefined;
    let widened = false;
    if (outcome && fromProfile && outcome.results.length === 0) {
      outcome = search.search(q, params.filters, { limit: 25, recordMiss: reporterOf(req) });
      widened = outcome.results.length > 0;
    }
    const all = outcome ? [] : browse(filters);
    const byPhase = PHASES.map((phase) => ({ phase, entries: all.filter((e) => e.phase === phase) })).filter((g) => g.entries.length);
    const from = catalog.findStep(raw.workshop, raw.step);
    const back = from && { url: `/workshops/${from.workshop.slug}/steps/${from.step.id}`, title: from.step.title };
    res.render('faq/search', {
      title: outcome ? `Troubleshooting: ${q.split('\n').find((l) => l.trim())?.slice(0, 60) ?? 'search'}` : 'Troubleshooting',
      q,
      pasteExpired: typeof raw.paste === 'string' && !pasted,
      cut: raw.cut === '1' || params.q.length > LOG_INPUT_MAX,
      fromProfile: fromProfile && !widened ? fromProfile : undefined,
      widenedFrom: widened ? fromProfile : undefined,
      allDeploymentsUrl: `/faq?${new URLSearchParams({ ...Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf')), deployment: '' })}`,
      readKb: LOG_INPUT_MAX / 1024,
      matches: outcome?.results.filter((x) => x.tier === 'match') ?? [],
      related: outcome?.results.filter((x) => x.tier === 'related') ?? [],
      byPhase,
      filters: { deployment: filters.deployment ?? '', phase: filters.phase ?? '', release: filters.release ?? '' },
      outcome,
      browse: all.slice(0, BROWSE_MAX),
      browseTotal: all.length,
      phases: PHASES,
      deployments: DEPLOYMENTS,
      back,
      canContribute: !!currentUser(req),
    });
  }

  r.get('/faq', (req, res) => searchPage(req, res, req.query as Record<string, unknown>));
  // A pasted log is too long for an address, so the search form posts; the answer is a redirect to the
  // search's own address, so reloading and Back work and the result can be shared.
  r.post('/faq', (req, res) => {
    const raw = req.body as Record<string, unknown>;
    const { q, filters } = searchParams(raw);
    const from = catalog.findStep(raw.workshop, raw.step);
    // Only the part that is read is kept: a scrollback's last LOG_INPUT_MAX.
    const extra: Record<string, string> = from ? { workshop: from.workshop.slug, step: from.step.id } : {};
    if (raw.deployment === '') extra.deployment = '';
    if (q.length > LOG_INPUT_MAX) extra.cut = '1';
    res.redirect(303, addressOf(tailOf(q), filters, extra));
  });

  const linkedSteps = (e: FaqEntry) =>
    e.steps.flatMap((ref) => {
      const found = catalog.stepRef(ref);
      return found ? [{ url: `/workshops/${found.workshop.slug}/steps/${found.step.id}`, title: found.step.title, workshop: found.workshop.title }] : [];
    });

  const visible = (req: Request, id: unknown): FaqEntry => faq.visible(currentUser(req), id);

  r.get('/faq/:id', (req, res) => {
    const user = currentUser(req);
    const { entry, movedTo } = faq.readable(user, req.params.id);
    if (movedTo) return res.redirect(301, `/faq/${movedTo}`);
    const staff = hasRole(user, 'maintainer');
    res.render('faq/entry', {
      title: entry.title,
      entry,
      authors: people.names(entry.authors),
      steps: linkedSteps(entry),
      votes: faq.votes(entry.id),
      myVote: learnerId(req) ? faq.voteOf(entry.id, learnerId(req)!) : undefined,
      currentRelease: deps.feedback.currentRelease(),
      revisions: entry.revisions.map((rev, i) => ({ n: i, at: rev.at, by: people.name(rev.by), note: rev.note })),
      reviews: staff || faq.isAuthor(user, entry) ? entry.reviews.map((rv) => ({ ...rv, by: people.name(rv.by) })) : [],
      canEdit: faq.canAuthorEdit(user, entry),
      staff,
    });
  });

  r.get('/faq/:id/revisions/:n', (req, res) => {
    const entry = visible(req, req.params.id);
    const n = Number(req.params.n);
    const rev = Number.isInteger(n) ? entry.revisions[n] : undefined;
    if (!rev) throw notFound('This entry has no such revision.');
    res.render('faq/revision', {
      title: `Revision ${n + 1} of ${entry.title}`,
      entry,
      n,
      rev: { ...rev, by: people.name(rev.by) },
      changes: deps.diffs.changes(entry, n),
      total: entry.revisions.length,
    });
  });

  return r;
}
