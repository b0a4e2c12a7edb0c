import { notFound } from '../lib/errors.ts';
import { isSlug } from '../lib/validate.ts';
import type { Content, Guide, LearningPath, Step, Workshop } from '../content/content-loader.ts';

/**
 * The one way to find a workshop, a step, a guide or a path: by a validated slug, in the loaded
 * content (user input never reaches the disk). `content` is a holder so that a reload can swap it.
 */
export function createCatalog(content: { current: Content }) {
  const workshops = () => content.current.workshops;
  return {
    get content(): Content {
      return content.current;
    },
    workshops,
    findWorkshop: (slug: unknown): Workshop | undefined => (isSlug(slug) ? workshops().get(slug) : undefined),
    findStep(slug: unknown, stepId: unknown): { workshop: Workshop; step: Step } | undefined {
      const workshop = isSlug(slug) ? workshops().get(slug) : undefined;
      const step = workshop && isSlug(stepId) ? workshop.stepById.get(stepId) : undefined;
      return step ? { workshop: workshop!, step } : undefined;
    },
    /** The workshop, or a 404 that says so. */
    workshop(slug: unknown): Workshop {
      const w = isSlug(slug) ? workshops().get(slug) : undefined;
      if (!w) throw notFound('There is no workshop at this address.');
      return w;
    },
    /** The workshop and its step, or a 404. */
    step(slug: unknown, stepId: unknown): { workshop: Workshop; step: Step } {
      const workshop = this.workshop(slug);
      const step = isSlug(stepId) ? workshop.stepById.get(stepId) : undefined;
      if (!step) throw notFound('This workshop has no such step.');
      return { workshop, step };
    },
    /** A `<workshop>/<step>` reference as stored on FAQ entries. */
    stepRef(ref: string): { workshop: Workshop; step: Step } | undefined {
      const [w, s] = ref.split('/');
      return this.findStep(w, s);
    },
    guide(slug: unknown): Guide {
      const g = isSlug(slug) ? content.current.guides.get(slug) : undefined;
      if (!g) throw notFound('There is no guide at this address.');
      return g;
    },
    path(slug: unknown): LearningPath {
      const p = isSlug(slug) ? content.current.paths.get(slug) : undefined;
      if (!p) throw notFound('There is no learning path at this address.');
      return p;
    },
  };
}

export type Catalog = ReturnType<typeof createCatalog>;
