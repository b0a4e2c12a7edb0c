import type { Content } from '../content/content-loader.ts';
import type { SearchMissesRepository } from '../search/search-misses-repository.ts';
import type { FaqRepository } from './faq-repository.ts';
import type { InsightsRepository } from './faq-insights-repository.ts';

const STALLED_MS = 7 * 24 * 60 * 60 * 1000;
const linkCache = new WeakMap<Content, Set<string>>();

/** FAQ ids that some step links to in its text (computed once per loaded content). */
function linkedFromSteps(content: Content): Set<string> {
  let ids = linkCache.get(content);
  if (!ids) {
    ids = new Set();
    for (const w of content.workshops.values()) {
      for (const s of w.steps) for (const m of s.html.matchAll(/href="\/faq\/([a-z0-9-]+)/g)) ids.add(m[1]!);
    }
    linkCache.set(content, ids);
  }
  return ids;
}

/** What maintainers look at to decide what to write next. */
export function createInsights(deps: { repo: FaqRepository; misses: SearchMissesRepository; progress: InsightsRepository; content: { current: Content } }) {
  return {
    compute(now = Date.now()) {
      const content = deps.content.current;
      const approved = deps.repo.summaries().filter((e) => e.status === 'approved');
      const votes = deps.repo.allVotes();
      const rated = approved
        .map((e) => ({ id: e.id, title: e.title, ...(votes.get(e.id) ?? { helpful: 0, notHelpful: 0 }) }))
        .filter((e) => e.helpful + e.notHelpful > 0);
      const mostHelpful = [...rated].sort((a, b) => b.helpful - b.notHelpful - (a.helpful - a.notHelpful)).slice(0, 10);
      const leastHelpful = rated.filter((e) => e.notHelpful > 0).sort((a, b) => b.notHelpful - b.helpful - (a.notHelpful - a.helpful)).slice(0, 10);
      const linkedText = linkedFromSteps(content);
      const stepExists = (ref: string) => {
        const [w, s] = ref.split('/') as [string, string];
        return content.workshops.get(w)?.stepById.has(s) ?? false;
      };
      const unlinked = approved.filter((e) => !linkedText.has(e.id) && !e.steps.some(stepExists)).map((e) => ({ id: e.id, title: e.title, phase: e.phase }));

      const funnels = new Map([...content.workshops.values()].map((w) => [w.slug, { workshop: w, started: 0, steps: w.steps.map((s) => ({ id: s.id, title: s.title, done: 0, here: 0, stalled: 0 })) }]));
      for (const p of deps.progress.progress()) {
        const f = funnels.get(p.workshop);
        if (!f) continue;
        f.started += 1;
        const open = f.workshop.steps.findIndex((s) => !p.steps[s.id]?.done);
        f.workshop.steps.forEach((s, i) => {
          if (p.steps[s.id]?.done) f.steps[i]!.done += 1;
        });
        if (open >= 0) {
          f.steps[open]!.here += 1;
          if (now - Date.parse(p.updatedAt) > STALLED_MS) f.steps[open]!.stalled += 1;
        }
      }
      return {
        misses: deps.misses.top(50),
        mostHelpful,
        leastHelpful,
        unlinked,
        funnels: [...funnels.values()].map((f) => ({ slug: f.workshop.slug, title: f.workshop.title, started: f.started, steps: f.steps })),
      };
    },
  };
}
