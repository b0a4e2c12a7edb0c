import type { Feature } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { createProgressRepository } from './progress-repository.ts';
import { createGuideReadsRepository } from './guide-reads-repository.ts';
import { createProgressService } from './progress-service.ts';
import { progressRoutes } from './progress-routes.ts';
import { progressApi } from './progress-api.ts';

/** Learner progress: steps done, checkpoint attempts, guides read, and the drop-off funnels maintainers read. */
export function progressFeature(deps: { store: Store; catalog: Catalog }): Feature & { progress: ReturnType<typeof createProgressService> } {
  const progress = createProgressService(createProgressRepository(deps.store), deps.catalog, createGuideReadsRepository(deps.store));
  return {
    pages: progressRoutes({ progress, catalog: deps.catalog }),
    api: progressApi({ progress, catalog: deps.catalog }),
    progress,
  };
}
