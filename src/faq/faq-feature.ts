import { Router, type RequestHandler } from 'express';
import type { AppContext, Feature } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import type { AccountsPort } from '../auth/auth-port.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { currentUser } from '../lib/web/roles.ts';
import type { NotificationsPort } from '../notifications/notifications-port.ts';
import { createSearchService } from '../search/search-service.ts';
import { createSearchMissesRepository } from '../search/search-misses-repository.ts';
import { createMissRecorder } from '../search/search-misses.ts';
import { createFaqRepository } from './faq-repository.ts';
import { createFaqService } from './faq-service.ts';
import { createReviewService } from './faq-review-service.ts';
import { createPeople } from './faq-people.ts';
import { backfillChecked, loadSeedOnce } from './faq-seed-loader.ts';
import { stuckDecorator } from './faq-stuck.ts';
import { faqRoutes } from './faq-routes.ts';
import { contributeRoutes } from './faq-contribute-routes.ts';
import { reviewApi, reviewRoutes } from './faq-review-routes.ts';
import { importRoutes } from './faq-import-routes.ts';
import { faqApi } from './faq-api.ts';
import { createInsights } from './faq-insights.ts';
import { createRevisionDiffs } from './faq-diff.ts';
import { createRecentPastes } from '../search/recent-pastes.ts';
import type { FaqPort } from './faq-port.ts';
import type { FaqEntry } from './faq-types.ts';
import { createStepFeedbackRepository } from './step-feedback-repository.ts';
import { createFeedback } from './faq-feedback.ts';
import { feedbackRoutes, stepFeedbackDecorator } from './faq-feedback-routes.ts';

export interface FaqDeps extends AppContext {
  store: Store;
  catalog: Catalog;
  accounts: AccountsPort;
  progress: Pick<ProgressPort, 'funnels'>;
  /** Tells authors about decisions on their entries. */
  notifications?: NotificationsPort;
}

/**
 * The troubleshooting FAQ: search and paste-your-error, contributions, review and insights. Plugs
 * "I'm stuck" into the step page, and offers other features matching and drafts (its port).
 */
export function faqFeature(deps: FaqDeps): Feature & { port: FaqPort } {
  const { catalog, accounts } = deps;
  const repo = createFaqRepository(deps.store);
  const misses = createMissRecorder(createSearchMissesRepository(deps.store), { log: deps.log });
  const content = { get current() { return catalog.content; } };
  const searches = { text: deps.metrics.counter('onramp_faq_searches_typed_total', 'FAQ searches of typed words.'), log: deps.metrics.counter('onramp_faq_searches_pasted_total', 'FAQ searches of a pasted log or error.') };
  const unanswered = deps.metrics.counter('onramp_faq_search_misses_total', 'FAQ searches that found nothing (content gaps).');
  const search = createSearchService({
    content,
    misses,
    log: deps.log,
    observe: (mode, found) => {
      searches[mode].inc();
      if (!found) unanswered.inc();
    },
  });
  const faq = createFaqService({ repo, search, accounts, catalog });
  const review = createReviewService({ repo, search, faq, notify: deps.notifications?.notify });
  const people = createPeople(accounts);
  const feedback = createFeedback({ repo, steps: createStepFeedbackRepository(deps.store), catalog });
  const insights = createInsights({ repo, misses, funnels: () => deps.progress.funnels(), content, stepFeedback: () => feedback.steps() });
  const routeDeps = { faq, repo, search, review, people, catalog, feedback, limits: deps.limits, diffs: createRevisionDiffs(), pastes: createRecentPastes() };

  const port: FaqPort = {
    matchLog: (text, limit = 5) => search.matchLog(text, limit).map((r) => ({ id: r.ref, title: r.title, tier: r.tier })),
    whenIndexed: () => search.whenLoaded(),
    createDraft: async (input) => ({ id: (await faq.createDraft(input)).id }),
  };

  // FAQ pages and the API answer once the start-up indexing is done (a page or two, right after start).
  const searchLoaded: RequestHandler = (_req, _res, next) => (search.loaded ? next() : void search.whenLoaded().then(() => next(), next));
  const pages = Router();
  pages.use(['/faq', '/review', '/insights'], searchLoaded);
  pages.use(feedbackRoutes(routeDeps));
  pages.use(contributeRoutes(routeDeps));
  pages.use(faqRoutes(routeDeps));
  pages.use(importRoutes({ faq, repo }));
  pages.use(reviewRoutes({ ...routeDeps, insights }));

  return {
    pages: { segments: ['faq', 'workshops', 'review', 'insights'], router: pages },
    notReady: () => (search.loaded ? undefined : 'the FAQ search index is being built'),
    api: { segments: ['faq', 'review-queue', 'review'], router: Router().use('/faq', searchLoaded).use(faqApi(routeDeps)).use(reviewApi(routeDeps)) },
    stepDecorators: [stuckDecorator(repo, search), stepFeedbackDecorator(feedback)],
    // Pasted logs (searches), entries with their error text, cause and fix, and pages of the docs.
    pasteRoutes: ['/faq', '/faq/new', '/faq/:id/edit', '/review/:id/edit', '/review/import', '/api/faq', '/api/faq/search', '/api/faq/preview'],
    // The contributor's entries on their dashboard: the ones waiting on them first.
    dashboardParts: [
      (req) => {
        const user = currentUser(req);
        if (!user) return {};
        const mine = repo.summaries().filter((e) => e.authors.includes(user.id) && !e.mergedInto);
        if (!mine.length) return {};
        const rank = (st: string) => (st === 'changes-requested' ? 0 : st === 'in-review' || st === 'draft' ? 1 : 2);
        mine.sort((a, b) => rank(a.status) - rank(b.status) || b.updatedAt.localeCompare(a.updatedAt));
        return { faqEntries: mine.slice(0, 20).map((e) => ({ id: e.id, title: e.title, status: e.status })) };
      },
    ],
    port,
    stop: () => misses.stop(),
    async start() {
      misses.start();
      await repo.exclusively(async () => {
        const loaded = await loadSeedOnce(repo, deps.config.seedDir, deps.log);
        if (loaded > 0) deps.log(`faq: loaded ${loaded} seed entries`);
        const backfilled = await backfillChecked(repo, deps.config.seedDir);
        if (backfilled > 0) deps.log(`faq: ${backfilled} seed entries got the release they were checked on`);
      });
      const indexAll = () => {
        const ids = repo.summaries().filter((e) => e.status === 'approved').map((e) => e.id);
        return search
          .loadEntries(ids, (id) => {
            const entry = repo.get(id);
            return entry?.status === 'approved' ? entry : undefined;
          })
          .then(() => deps.log(`faq: search index ready (${ids.length} entries)`))
          .catch((err: Error) => deps.log(`faq: indexing failed: ${err.message}`));
      };
      void indexAll();
      // Approvals, edits and retirements made through other instances (PostgreSQL) reach this index too.
      repo.onRemoteChange((ids) => {
        if (ids === 'all') return void indexAll();
        for (const id of ids) {
          const entry = repo.get(id);
          search.syncEntry(entry ?? { id } as FaqEntry, entry?.status === 'approved');
        }
      });
    },
  };
}
