import { Router } from 'express';
import { toProfile } from '../content/profile.ts';
import { learnerId, rawProfile } from '../lib/web/roles.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from './catalog.ts';
import { questionTemplate } from './ask-template.ts';
import { communityChannels } from './step-view.ts';

/**
 * "Ask the community": a question written from a template with what helpers need, filled in with what
 * Onramp knows (the step, the learner's setup, their failed checkpoint output or the error they pasted),
 * and where to ask it.
 */
export function askRoutes(deps: { catalog: Catalog; progress: ProgressPort; baseUrl: string }): Router {
  const r = Router();
  r.get('/ask', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const found = deps.catalog.findStep(q.workshop, q.step);
    const n = typeof q.attempt === 'string' && /^\d{1,6}$/.test(q.attempt) ? Number(q.attempt) : undefined;
    // Only the learner's own latest attempt: the address carries a number, never the output.
    const attempt = found && n !== undefined ? deps.progress.attempt(learnerId(req), found.workshop.slug, found.step.id, n) : undefined;
    const error = attempt?.output ?? (typeof q.error === 'string' ? q.error.slice(0, 4000) : undefined);
    res.render('workshops/ask', {
      title: 'Ask the community',
      question: questionTemplate({ workshop: found?.workshop, step: found?.step, profile: toProfile(rawProfile(req)), error, baseUrl: deps.baseUrl }),
      from: found && { url: `/workshops/${found.workshop.slug}/steps/${found.step.id}`, title: found.step.title },
      channels: communityChannels(deps.catalog.content.guides),
    });
  });
  return r;
}
