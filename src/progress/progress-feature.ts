import type { Feature } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { createProgressRepository } from './progress-repository.ts';
import { createGuideReadsRepository } from './guide-reads-repository.ts';
import { createProgressService } from './progress-service.ts';
import { createProgressStreams, type ProgressStreamOptions } from './progress-stream.ts';
import { progressRoutes } from './progress-routes.ts';
import { checkpointTextBody, progressApi } from './progress-api.ts';
import { terminalDecorator } from './terminal-checkpoint.ts';

export interface ProgressDeps {
  store: Store;
  catalog: Catalog;
  /** This site's public address, for the terminal one-liner and the links in a terminal verdict. */
  baseUrl: string;
  streams: ProgressStreamOptions;
}

/** Learner progress: steps done, checkpoint attempts (also from a terminal), guides read, and the drop-off funnels maintainers read. */
export function progressFeature(deps: ProgressDeps): Feature & { progress: ReturnType<typeof createProgressService>; streams: ReturnType<typeof createProgressStreams> } {
  const progress = createProgressService(createProgressRepository(deps.store), deps.catalog, createGuideReadsRepository(deps.store));
  const streams = createProgressStreams(deps.streams);
  progress.onChange((e) => streams.publish(e));
  return {
    pages: { segments: ['workshops', 'guides'], router: progressRoutes({ progress, catalog: deps.catalog }) },
    api: { segments: ['me'], router: progressApi({ progress, catalog: deps.catalog, streams, baseUrl: deps.baseUrl }) },
    // A checkpoint takes a command's output as pasted (the service keeps its last 16 KB).
    pasteRoutes: ['/workshops/:slug/steps/:step/checkpoint', '/api/me/progress/:workshop/:step/checkpoint'],
    bodyParsers: [checkpointTextBody],
    stepDecorators: [terminalDecorator({ baseUrl: deps.baseUrl, latestAttempt: progress.latestAttempt })],
    progress,
    streams,
    stop: () => streams.stop(),
  };
}
