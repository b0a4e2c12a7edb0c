import type { Services } from '../app.ts';
import type { Feature } from '../lib/feature.ts';
import type { FeatureContext } from '../app.ts';

// Placeholder until the FAQ feature lands (issue 4).
export function faqFeature(_services: Services, _ctx: FeatureContext): Feature {
  return {};
}
