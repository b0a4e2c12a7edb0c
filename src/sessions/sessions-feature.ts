import type { Services } from '../app.ts';
import type { Feature } from '../lib/feature.ts';
import type { FeatureContext } from '../app.ts';

// Placeholder until live sessions land (issue 5).
export function sessionsFeature(_services: Services, _ctx: FeatureContext): Feature {
  return {};
}
