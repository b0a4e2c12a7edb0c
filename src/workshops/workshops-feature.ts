import { Router } from 'express';
import type { DashboardPart, Feature, GuidePart, StepDecorator } from '../lib/feature.ts';
import type { CookieJar } from '../lib/web/cookies.ts';
import type { Profile } from '../content/profile.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from './catalog.ts';
import { workshopRoutes } from './workshop-routes.ts';
import { workshopsApi } from './workshops-api.ts';
import { profileRoutes } from './profile-routes.ts';
import { takeawayRoutes } from './takeaway-routes.ts';
import { offlineAnswersRoutes } from './offline-answers-routes.ts';
import { askRoutes } from './ask-routes.ts';
import type { VisitorPages } from '../lib/web/visitor-pages.ts';
import type { PageFrames } from '../lib/web/page-frames.ts';

/** Home, catalog, workshops and their steps, guides, paths, the dashboard, the deployment profile and "Ask the community". */
export function workshopsFeature(deps: {
  catalog: Catalog;
  progress: ProgressPort;
  jar: CookieJar;
  decorators: readonly StepDecorator[];
  /** What other features add to the dashboard. */
  dashboardParts?: readonly DashboardPart[];
  /** What other features add to a guide's page. */
  guideParts?: readonly GuidePart[];
  saveProfile: (userId: string, p: Profile) => Promise<void>;
  baseUrl: string;
  /** Visitors' step pages kept in memory. */
  visitorPages?: VisitorPages;
  /** Step pages built from a frame kept per address and profile (signed-in readers). */
  pageFrames?: PageFrames;
}): Feature {
  return {
    pages: {
      segments: ['', 'workshops', 'guides', 'paths', 'dashboard', 'profile', 'ask'],
      router: Router().use(workshopRoutes(deps)).use(profileRoutes(deps)).use(takeawayRoutes(deps)).use(offlineAnswersRoutes(deps)).use(askRoutes(deps)),
    },
    api: { segments: ['workshops'], router: workshopsApi(deps.catalog) },
  };
}
