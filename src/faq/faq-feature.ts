import { Router, type RequestHandler } from 'express';
import type { FeatureContext, Services } from '../app.ts';
import type { Feature } from '../lib/feature.ts';
import { requireRole } from '../auth/roles.ts';
import { createSearchService } from '../search/search-service.ts';
import { createSearchMissesRepository } from '../search/search-misses-repository.ts';
import { createFaqRepository } from './faq-repository.ts';
import { createFaqService } from './faq-service.ts';
import { createReviewService } from './faq-review-service.ts';
import { createPeople } from './faq-people.ts';
import { loadSeedOnce } from './faq-seed-loader.ts';
import { stuckDecorator } from './faq-stuck.ts';
import { faqRoutes } from './faq-routes.ts';
import { contributeRoutes } from './faq-contribute-routes.ts';
import { reviewRoutes } from './faq-review-routes.ts';
import { faqApi } from './faq-api.ts';
import { createInsights } from './faq-insights.ts';
import { createInsightsRepository } from './faq-insights-repository.ts';
import type { FaqPort } from './faq-port.ts';

/**
 * The troubleshooting FAQ: search and paste-your-error, contributions, review and insights. Plugs
 * "I'm stuck" into the step page.
 */
export function faqFeature(services: Services, ctx: FeatureContext): Feature {
  const repo = createFaqRepository(services.store);
  const misses = createSearchMissesRepository(services.store);
  const search = createSearchService({ content: services.content, misses, log: ctx.log });
  const faq = createFaqService({ repo, search, users: services.users, content: services.content });
  const review = createReviewService({ repo, search, faq });
  const people = createPeople(services.users);
  const insights = createInsights({ repo, misses, progress: createInsightsRepository(services.store), content: services.content });
  const deps = { faq, repo, search, review, people, content: services.content, limits: ctx.limits };

  const port: FaqPort = {
    matchLog: (text, limit = 5) => search.matchLog(text, limit).map((r) => ({ id: r.ref, title: r.title })),
    whenIndexed: () => search.whenLoaded(),
    createDraft: async (input) => {
      const entry = await faq.createDraft(input);
      return { id: entry.id };
    },
  };
  services.faq = port;
  services.stepDecorators.push(stuckDecorator(repo, search));

  // FAQ pages and the API answer once the start-up indexing is done (a page or two, right after start).
  const searchLoaded: RequestHandler = (_req, _res, next) => (search.loaded ? next() : void search.whenLoaded().then(() => next(), next));
  const router = Router();
  router.use(['/faq', '/review', '/insights'], searchLoaded);
  router.use(contributeRoutes(deps));
  router.use(faqRoutes(deps));
  router.use(reviewRoutes(deps));
  router.get('/insights', requireRole('maintainer'), (_req, res) => {
    res.render('faq/insights', { title: 'Insights', ...insights.compute() });
  });

  return {
    router,
    api: Router().use('/faq', searchLoaded).use(faqApi(deps)),
    async start() {
      const loaded = await loadSeedOnce(repo, ctx.config.seedDir, ctx.log);
      if (loaded > 0) ctx.log(`faq: loaded ${loaded} seed entries`);
      const ids = repo.summaries().filter((e) => e.status === 'approved').map((e) => e.id);
      search
        .loadEntries(ids, (id) => {
          const entry = repo.get(id);
          return entry?.status === 'approved' ? entry : undefined;
        })
        .then(() => ctx.log(`faq: search index ready (${ids.length} entries)`))
        .catch((err: Error) => ctx.log(`faq: indexing failed: ${err.message}`));
    },
  };
}
