import { Router, type RequestHandler } from 'express';
import type { AppContext, Feature } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import type { AccountsPort } from '../auth/auth-port.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { createSearchService } from '../search/search-service.ts';
import { createSearchMissesRepository } from '../search/search-misses-repository.ts';
import { createMissRecorder } from '../search/search-misses.ts';
import { createFaqRepository } from './faq-repository.ts';
import { createFaqService } from './faq-service.ts';
import { createReviewService } from './faq-review-service.ts';
import { createPeople } from './faq-people.ts';
import { loadSeedOnce } from './faq-seed-loader.ts';
import { stuckDecorator } from './faq-stuck.ts';
import { faqRoutes } from './faq-routes.ts';
import { contributeRoutes } from './faq-contribute-routes.ts';
import { reviewRoutes } from './faq-review-routes.ts';
import { importRoutes } from './faq-import-routes.ts';
import { faqApi } from './faq-api.ts';
import { createInsights } from './faq-insights.ts';
import { createRevisionDiffs } from './faq-diff.ts';
import { createRecentPastes } from '../search/recent-pastes.ts';
import type { FaqPort } from './faq-port.ts';

export interface FaqDeps extends AppContext {
  store: Store;
  catalog: Catalog;
  accounts: AccountsPort;
  progress: Pick<ProgressPort, 'funnels'>;
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
  const search = createSearchService({ content, misses, log: deps.log });
  const faq = createFaqService({ repo, search, accounts, catalog });
  const review = createReviewService({ repo, search, faq });
  const people = createPeople(accounts);
  const insights = createInsights({ repo, misses, funnels: () => deps.progress.funnels(), content });
  const routeDeps = { faq, repo, search, review, people, catalog, limits: deps.limits, diffs: createRevisionDiffs(), pastes: createRecentPastes() };

  const port: FaqPort = {
    matchLog: (text, limit = 5) => search.matchLog(text, limit).map((r) => ({ id: r.ref, title: r.title, tier: r.tier })),
    whenIndexed: () => search.whenLoaded(),
    createDraft: async (input) => ({ id: (await faq.createDraft(input)).id }),
  };

  // FAQ pages and the API answer once the start-up indexing is done (a page or two, right after start).
  const searchLoaded: RequestHandler = (_req, _res, next) => (search.loaded ? next() : void search.whenLoaded().then(() => next(), next));
  const pages = Router();
  pages.use(['/faq', '/review', '/insights'], searchLoaded);
  pages.use(contributeRoutes(routeDeps));
  pages.use(faqRoutes(routeDeps));
  pages.use(importRoutes({ faq, repo }));
  pages.use(reviewRoutes({ ...routeDeps, insights }));

  return {
    pages,
    api: Router().use('/faq', searchLoaded).use(faqApi(routeDeps)),
    stepDecorators: [stuckDecorator(repo, search)],
    // Pasted logs (searches), entries with their error text, cause and fix, and pages of the docs.
    pasteRoutes: ['/faq', '/faq/new', '/faq/:id/edit', '/review/:id/edit', '/review/import', '/api/faq', '/api/faq/search', '/api/faq/preview'],
    port,
    stop: () => misses.stop(),
    async start() {
      misses.start();
      const loaded = await loadSeedOnce(repo, deps.config.seedDir, deps.log);
      if (loaded > 0) deps.log(`faq: loaded ${loaded} seed entries`);
      const ids = repo.summaries().filter((e) => e.status === 'approved').map((e) => e.id);
      search
        .loadEntries(ids, (id) => {
          const entry = repo.get(id);
          return entry?.status === 'approved' ? entry : undefined;
        })
        .then(() => deps.log(`faq: search index ready (${ids.length} entries)`))
        .catch((err: Error) => deps.log(`faq: indexing failed: ${err.message}`));
    },
  };
}
