import type { Content } from '../content/content-loader.ts';
import type { MissRecorder } from '../search/search-misses.ts';
import type { FaqRepository } from './faq-repository.ts';
import type { Funnel } from '../progress/progress-port.ts';

/** What readers said about a workshop step. */
export interface StepRating {
  ref: string;
  workshop: string;
  title: string;
  url: string;
  helpful: number;
  notHelpful: number;
  reasons: { at: string; missing: string }[];
}

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
export function createInsights(deps: { repo: FaqRepository; misses: MissRecorder; funnels: () => Promise<Funnel[]>; content: { current: Content }; stepFeedback: () => StepRating[] }) {
  return {
    async compute() {
      const content = deps.content.current;
      const approved = deps.repo.summaries().filter((e) => e.status === 'approved');
      const votes = deps.repo.allVotes();
      const rated = approved
        .map((e) => ({ id: e.id, title: e.title, ...(votes.get(e.id) ?? { helpful: 0, notHelpful: 0 }) }))
        .filter((e) => e.helpful + e.notHelpful > 0);
      // Each rated entry is on one side only: more "helped" than "did not" is helpful, the rest is not.
      const net = (e: { helpful: number; notHelpful: number }) => e.helpful - e.notHelpful;
      const mostHelpful = rated.filter((e) => net(e) > 0).sort((a, b) => net(b) - net(a) || b.helpful - a.helpful).slice(0, 10);
      const leastHelpful = rated.filter((e) => net(e) <= 0 && e.notHelpful > 0).sort((a, b) => net(a) - net(b) || b.notHelpful - a.notHelpful).slice(0, 10);
      const linkedText = linkedFromSteps(content);
      const stepExists = (ref: string) => {
        const [w, s] = ref.split('/') as [string, string];
        return content.workshops.get(w)?.stepById.has(s) ?? false;
      };
      const unlinked = approved.filter((e) => !linkedText.has(e.id) && !e.steps.some(stepExists)).map((e) => ({ id: e.id, title: e.title, phase: e.phase }));

      return {
        misses: await deps.misses.top(50),
        mostHelpful,
        leastHelpful,
        unlinked,
        steps: deps.stepFeedback().sort((a, b) => b.notHelpful - b.helpful - (a.notHelpful - a.helpful)),
        funnels: await deps.funnels(),
      };
    },
  };
}

export type Insights = ReturnType<typeof createInsights>;
