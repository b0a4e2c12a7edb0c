import { Router, type Request } from 'express';
import type { Services } from '../app.ts';
import { notFound } from '../lib/errors.ts';
import { isSlug } from '../lib/validate.ts';
import { currentUser, learnerId } from '../auth/roles.ts';
import { DEPLOYMENTS, LEVELS } from '../content/content-schemas.ts';
import type { Workshop } from '../content/content-loader.ts';
import { renderStep } from './step-view.ts';

const one = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Looks a workshop up by a validated slug in the loaded index; user input never reaches the disk. */
export function findWorkshop(services: Services, slug: unknown): Workshop {
  const workshop = isSlug(slug) ? services.content.current.workshops.get(slug) : undefined;
  if (!workshop) throw notFound('There is no workshop at this address.');
  return workshop;
}

export function catalogFilter(workshops: Iterable<Workshop>, q: Record<string, unknown>) {
  const level = LEVELS.find((l) => l === one(q.level));
  const deployment = DEPLOYMENTS.find((d) => d === one(q.deployment));
  const tag = one(q.tag);
  const text = one(q.q)?.trim().toLowerCase().slice(0, 100);
  const list = [...workshops].filter(
    (w) =>
      (!level || w.level === level) &&
      (!deployment || w.deployment === deployment || w.deployment === 'any') &&
      (!tag || w.tags.includes(tag)) &&
      (!text || `${w.title} ${w.summary} ${w.tags.join(' ')}`.toLowerCase().includes(text)),
  );
  return { list, filters: { level: level ?? '', deployment: deployment ?? '', tag: tag ?? '', q: text ?? '' } };
}

export function workshopRoutes(services: Services): Router {
  const r = Router();
  const content = () => services.content.current;
  const summaries = (req: Request) => {
    const id = learnerId(req);
    return new Map(services.progress.all(id).map((s) => [s.workshop, s]));
  };

  r.get('/', (req, res) => {
    const c = content();
    res.render('home', {
      title: 'Start here',
      workshops: [...c.workshops.values()],
      guides: [...c.guides.values()].sort((a, b) => a.order - b.order),
      paths: [...c.paths.values()],
      progress: summaries(req),
    });
  });

  r.get('/workshops', (req, res) => {
    const { list, filters } = catalogFilter(content().workshops.values(), req.query as Record<string, unknown>);
    const tags = [...new Set([...content().workshops.values()].flatMap((w) => w.tags))].sort();
    res.render('workshops/catalog', { title: 'Workshops', list, filters, tags, levels: LEVELS, deployments: DEPLOYMENTS, progress: summaries(req) });
  });

  r.get('/workshops/:slug', (req, res) => {
    const workshop = findWorkshop(services, req.params.slug);
    const progress = services.progress.summary(learnerId(req), workshop.slug);
    res.render('workshops/overview', { title: workshop.title, workshop, progress });
  });

  r.get('/workshops/:slug/steps/:step', async (req, res) => {
    const workshop = findWorkshop(services, req.params.slug);
    const step = isSlug(req.params.step) ? workshop.stepById.get(req.params.step) : undefined;
    if (!step) throw notFound('This workshop has no such step.');
    const id = learnerId(req);
    if (id) await services.progress.visit(id, workshop.slug, step.id);
    renderStep(req, res, services, workshop, step);
  });

  r.get('/guides', (_req, res) => {
    res.render('workshops/guides', { title: 'Guides', guides: [...content().guides.values()].sort((a, b) => a.order - b.order) });
  });

  r.get('/guides/:slug', (req, res) => {
    const guide = isSlug(req.params.slug) ? content().guides.get(req.params.slug) : undefined;
    if (!guide) throw notFound('There is no guide at this address.');
    res.render('workshops/guide', { title: guide.title, guide });
  });

  r.get('/paths/:slug', (req, res) => {
    const path = isSlug(req.params.slug) ? content().paths.get(req.params.slug) : undefined;
    if (!path) throw notFound('There is no learning path at this address.');
    const progress = summaries(req);
    const items = path.items.map((it) =>
      it.type === 'guide'
        ? { ...it, title: content().guides.get(it.slug)!.title, summary: content().guides.get(it.slug)!.summary }
        : { ...it, title: content().workshops.get(it.slug)!.title, summary: content().workshops.get(it.slug)!.summary, progress: progress.get(it.slug) },
    );
    res.render('workshops/path', { title: path.title, learningPath: path, items });
  });

  r.get('/dashboard', (req, res) => {
    const list = services.progress.all(learnerId(req)).map((s) => ({ ...s, workshop: content().workshops.get(s.workshop)! }));
    res.render('workshops/dashboard', { title: 'Your dashboard', list, signedIn: !!currentUser(req), paths: [...content().paths.values()], progress: summaries(req) });
  });

  return r;
}
