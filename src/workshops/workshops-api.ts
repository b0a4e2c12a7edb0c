import { Router } from 'express';
import type { Workshop } from '../content/content-loader.ts';
import type { Catalog } from './catalog.ts';

const workshopSummary = (w: Workshop) => ({
  slug: w.slug,
  title: w.title,
  summary: w.summary,
  audience: w.audience,
  level: w.level,
  duration: w.duration,
  release: w.release,
  deployment: w.deployment,
  platforms: w.platforms,
  tags: w.tags,
  stepCount: w.steps.length,
});

/** The loaded workshops under /api. */
export function workshopsApi(catalog: Catalog): Router {
  const r = Router();
  r.get('/workshops', (_req, res) => {
    res.json({ workshops: [...catalog.workshops().values()].map(workshopSummary) });
  });
  r.get('/workshops/:slug', (req, res) => {
    const w = catalog.workshop(req.params.slug);
    res.json({
      ...workshopSummary(w),
      objectives: w.objectives,
      prerequisites: w.prerequisites,
      steps: w.steps.map((s) => ({
        id: s.id,
        title: s.title,
        minutes: s.minutes,
        phase: s.phase,
        checkpoint: s.checkpoint ? { prompt: s.checkpoint.prompt } : null,
        sources: s.sources,
        checked: s.checked ?? null,
      })),
    });
  });
  return r;
}
