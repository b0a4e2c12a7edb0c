import { newestRelease } from '../content/releases.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import type { FaqRepository, VoteCount } from './faq-repository.ts';
import type { StepFeedbackRepository } from './step-feedback-repository.ts';
import type { EntrySummary } from './faq-types.ts';

/** Reasons shown to maintainers per entry or step, newest first. */
const REASONS_SHOWN = 20;
/** An entry needs attention once this many readers said it did not help, and more said so than not. */
const FAILING_AT = 2;

export interface Reason {
  at: string;
  missing: string;
}

const reasonsOf = (list: { helpful: boolean; missing?: string; at: string }[]): Reason[] =>
  list
    .filter((v) => !v.helpful && v.missing)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, REASONS_SHOWN)
    .map((v) => ({ at: v.at, missing: v.missing! }));

/**
 * What readers teach the FAQ: "did this help?" on entries and steps with what was missing, the
 * entries that keep failing readers, and which entries are confirmed for the current release.
 */
export function createFeedback(deps: { repo: FaqRepository; steps: StepFeedbackRepository; catalog: Catalog }) {
  const { repo, steps, catalog } = deps;

  const failing = (c: VoteCount) => c.notHelpful >= FAILING_AT && c.notHelpful > c.helpful;
  /** The highest release a loaded workshop is written for: entries are confirmed against it. */
  const currentRelease = (): string | undefined => newestRelease([...catalog.workshops().values()].map((w) => w.release));

  return {
    currentRelease,

    /** Whether an entry was confirmed for the current release (an entry nobody confirmed yet was not). */
    isCurrent(e: Pick<EntrySummary, 'checked'>): boolean {
      const current = currentRelease();
      return !current || e.checked?.release === current;
    },

    entryReasons: (id: string): Reason[] => reasonsOf(repo.votesOn(id)),

    /** Approved entries readers keep saying did not help, the worst first, with their latest reason. */
    attention() {
      const votes = repo.allVotes();
      return repo
        .summaries()
        .filter((e) => e.status === 'approved' && failing(votes.get(e.id) ?? { helpful: 0, notHelpful: 0 }))
        .map((e) => ({ id: e.id, title: e.title, ...votes.get(e.id)!, latest: reasonsOf(repo.votesOn(e.id))[0]?.missing }))
        .sort((a, b) => b.notHelpful - b.helpful - (a.notHelpful - a.helpful) || b.notHelpful - a.notHelpful);
    },

    /** Approved entries not confirmed for the current release, oldest confirmation first. */
    unconfirmed(): EntrySummary[] {
      const current = currentRelease();
      if (!current) return [];
      return repo
        .summaries()
        .filter((e) => e.status === 'approved' && e.checked?.release !== current)
        .sort((a, b) => (a.checked?.on ?? '').localeCompare(b.checked?.on ?? '') || a.title.localeCompare(b.title));
    },

    /** The workshop and step, or a 404. */
    step: (workshop: unknown, step: unknown) => catalog.step(workshop, step),

    /** A reader's answer on a step (the step is looked up in the content first). */
    async onStep(reader: string, workshop: string, step: string, helpful: boolean, missing?: string): Promise<void> {
      const found = catalog.step(workshop, step);
      const ref = `${found.workshop.slug}/${found.step.id}`;
      await steps.save({ step: ref, reader, helpful, ...(!helpful && missing ? { missing } : {}), at: new Date().toISOString() });
    },
    stepAnswer: (reader: string | undefined, ref: string) => (reader ? steps.of(ref, reader) : undefined),

    /** Per step of every workshop that readers rated: counts and what was missing. */
    steps() {
      const counts = steps.counts();
      return [...catalog.workshops().values()].flatMap((w) =>
        w.steps
          .map((s) => ({ ref: `${w.slug}/${s.id}`, workshop: w.title, title: s.title, url: `/workshops/${w.slug}/steps/${s.id}` }))
          .filter((s) => {
            const c = counts.get(s.ref);
            return !!c && c.helpful + c.notHelpful > 0;
          })
          .map((s) => ({ ...s, ...counts.get(s.ref)!, reasons: reasonsOf(steps.on(s.ref)).slice(0, 5) })),
      );
    },
  };
}

export type Feedback = ReturnType<typeof createFeedback>;
