import type { StepDecorator } from '../lib/feature.ts';
import type { Step, Workshop } from '../content/content-loader.ts';
import type { SearchService } from '../search/search-service.ts';
import type { FaqRepository } from './faq-repository.ts';
import { rawProfile } from '../lib/web/roles.ts';
import { toProfile } from '../content/profile.ts';

const PANEL_MAX = 8;

interface Panel {
  stuckEntries: { id: string; title: string }[];
  stuckNewUrl: string;
  stuckContext: { workshop: string; step: string; phase: string; deployment: string };
}

/**
 * The "I'm stuck" panel of a step page: entries linked to the step, then those sharing its FAQ tags,
 * then those of its install phase; after a failed checkpoint, the entries its output matches. Entries
 * for another deployment than the workshop's (or, for a workshop for any deployment, the reader's
 * profile) are left out.
 */
export function stuckDecorator(repo: FaqRepository, search: SearchService): StepDecorator {
  // Step pages are the busiest pages: the panel per step is computed once per version of the entries.
  let cacheVersion = -1;
  const cache = new Map<string, { step: Step; panel: Panel }>();

  function panelFor(workshop: Workshop, step: Step, deployment: string): Panel {
    const key = `${workshop.slug}/${step.id}`;
    const cacheKey = `${key}@${deployment}`;
    if (cacheVersion !== repo.version) {
      cache.clear();
      cacheVersion = repo.version;
    }
    const hit = cache.get(cacheKey);
    // A content reload makes new step objects, so an entry for an old one is stale.
    if (hit && hit.step === step) return hit.panel;
    const scored: { id: string; title: string; score: number }[] = [];
    for (const e of repo.summaries()) {
      if (e.status !== 'approved') continue;
      if (deployment !== 'any' && !e.deployment.includes('any') && !(e.deployment as readonly string[]).includes(deployment)) continue;
      const score = (e.steps.includes(key) ? 4 : 0) + (e.tags.some((t) => step.faqTags.includes(t)) ? 2 : 0) + (e.phase === step.phase ? 1 : 0);
      if (score > 0) scored.push({ id: e.id, title: e.title, score });
    }
    scored.sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
    const params = new URLSearchParams({ workshop: workshop.slug, step: step.id, phase: step.phase });
    const panel: Panel = {
      stuckEntries: scored.slice(0, PANEL_MAX).map(({ id, title }) => ({ id, title })),
      stuckNewUrl: `/faq/new?${params}`,
      stuckContext: { workshop: workshop.slug, step: step.id, phase: step.phase, deployment },
    };
    cache.set(cacheKey, { step, panel });
    return panel;
  }

  const decorate: StepDecorator = (req, { workshop, step, checkpoint }) => {
    const deployment: string = workshop.deployment !== 'any' ? workshop.deployment : (toProfile(rawProfile(req)).deployment ?? 'any');
    const failed = checkpoint?.passed === false && !!checkpoint.output.trim();
    // The same engine as the FAQ search: only entries with evidence of this very error are "matches";
    // ones whose words agree are "related"; the rest are not shown. Entries for this deployment first;
    // when none matches, any deployment's (an error reads the same on every configuration).
    const forDeployment = failed && deployment !== 'any' ? search.matchLog(checkpoint.output, 5, { deployment }) : [];
    const found = failed ? (forDeployment.length ? forDeployment : search.matchLog(checkpoint.output, 5)) : [];
    return {
      stuck: panelFor(workshop, step, deployment),
      matches: found.filter((r) => r.tier === 'match').map((r) => ({ id: r.ref, title: r.title, reasons: r.reasons })),
      relatedMatches: found.filter((r) => r.tier === 'related').map((r) => ({ id: r.ref, title: r.title })),
      ...(failed ? { stuckOpen: true } : {}),
    };
  };
  // A visitor's panel lists approved entries: it changes with them.
  decorate.visitorState = () => repo.version;
  return decorate;
}
