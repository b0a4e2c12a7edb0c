import { Router, type Request } from 'express';
import { DEPLOYMENTS, LEVELS, PLATFORMS } from '../content/content-schemas.ts';
import type { Workshop } from '../content/content-loader.ts';
import { htmlFor, toProfile, type Profile } from '../content/profile.ts';
import type { DashboardPart, GuidePart, StepDecorator } from '../lib/feature.ts';
import { currentUser, learnerId, rawProfile } from '../lib/web/roles.ts';
import type { ProgressPort, ProgressSummary } from '../progress/progress-port.ts';
import type { Catalog } from './catalog.ts';
import { renderStep } from './step-view.ts';
import { homeGoals, startWorkshop } from './home-goals.ts';
import type { VisitorPages } from '../lib/web/visitor-pages.ts';
import type { PageFrames } from '../lib/web/page-frames.ts';

const one = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Catalog filters; the deployment defaults to the reader's profile until they choose another. */
export function catalogFilter(workshops: Iterable<Workshop>, q: Record<string, unknown>, profile: Profile = {}) {
  const level = LEVELS.find((l) => l === one(q.level));
  const chosen = one(q.deployment);
  const deployment = chosen === undefined ? profile.deployment : DEPLOYMENTS.find((d) => d === chosen);
  const platform = PLATFORMS.find((p) => p === one(q.platform));
  const tag = one(q.tag);
  const text = one(q.q)?.trim().toLowerCase().slice(0, 100);
  const list = [...workshops].filter(
    (w) =>
      (!level || w.level === level) &&
      (!deployment || w.deployment === deployment || w.deployment === 'any') &&
      (!platform || w.platforms.length === 0 || w.platforms.includes(platform)) &&
      (!tag || w.tags.includes(tag)) &&
      (!text || `${w.title} ${w.summary} ${w.tags.join(' ')}`.toLowerCase().includes(text)),
  );
  return { list, filters: { level: level ?? '', deployment: deployment ?? '', platform: platform ?? '', tag: tag ?? '', q: text ?? '' }, fromProfile: chosen === undefined && !!profile.deployment };
}

/** The workshop to resume: the unfinished one the learner worked on last, with the first step not done. */
export function resumeOf(list: ProgressSummary[]): ProgressSummary | undefined {
  return list.filter((s) => s.done < s.total).sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
}

export function workshopRoutes(deps: {
  catalog: Catalog;
  progress: ProgressPort;
  decorators: readonly StepDecorator[];
  dashboardParts?: readonly DashboardPart[];
  guideParts?: readonly GuidePart[];
  visitorPages?: VisitorPages;
  pageFrames?: PageFrames;
}): Router {
  const { catalog, progress } = deps;
  const r = Router();
  const content = () => catalog.content;
  // A visitor's step page shows the loaded content and what the decorators name.
  const states = deps.decorators.flatMap((d) => (d.visitorState ? [d.visitorState] : []));
  const visitorState = () => [catalog.content, ...states.map((s) => s())];
  const stepDeps = { ...deps, guides: () => content().guides, visitorState };
  const summaries = (req: Request) => new Map(progress.all(learnerId(req)).map((s) => [s.workshop, s]));
  const profileOf = (req: Request) => toProfile(rawProfile(req));

  /** Parts done per learning path, for a learner who has started something. */
  const pathsDone = (req: Request) => {
    const id = learnerId(req);
    return new Map(id ? [...content().paths.keys()].map((slug) => [slug, progress.pathSummary(id, slug)]) : []);
  };

  r.get('/', (req, res) => {
    const c = content();
    const mine = summaries(req);
    res.render('home', {
      title: 'Start here',
      workshops: [...c.workshops.values()],
      guides: [...c.guides.values()].sort((a, b) => a.order - b.order),
      paths: [...c.paths.values()],
      pathsDone: pathsDone(req),
      goals: homeGoals(c),
      start: startWorkshop(c),
      resume: resumeOf([...mine.values()]),
      progress: mine,
      profile: profileOf(req),
    });
  });

  r.get('/workshops', (req, res) => {
    const profile = profileOf(req);
    const { list, filters, fromProfile } = catalogFilter(content().workshops.values(), req.query as Record<string, unknown>, profile);
    const tags = [...new Set([...content().workshops.values()].flatMap((w) => w.tags))].sort();
    res.render('workshops/catalog', { title: 'Workshops', list, filters, fromProfile, tags, levels: LEVELS, deployments: DEPLOYMENTS, platforms: PLATFORMS, progress: summaries(req), profile });
  });

  r.get('/workshops/:slug', (req, res) => {
    const workshop = catalog.workshop(req.params.slug);
    const summary = progress.summary(learnerId(req), workshop.slug);
    res.render('workshops/overview', { title: workshop.title, workshop, overviewHtml: htmlFor(workshop, profileOf(req)), progress: summary, profile: profileOf(req) });
  });

  r.get('/workshops/:slug/steps/:step', async (req, res) => {
    const { workshop, step } = catalog.step(req.params.slug, req.params.step);
    const id = learnerId(req);
    if (id) await progress.visit(id, workshop.slug, step.id);
    renderStep(req, res, stepDeps, workshop, step);
  });

  r.get('/guides', (_req, res) => {
    res.render('workshops/guides', { title: 'Guides', guides: [...content().guides.values()].sort((a, b) => a.order - b.order) });
  });

  // Reading a guide counts on the learner's paths; a reader who has saved nothing yet gets no cookie for it
  // (the page offers "Mark as read" instead).
  r.get('/guides/:slug', async (req, res) => {
    const guide = catalog.guide(req.params.slug);
    const id = learnerId(req);
    if (id) await progress.readGuide(id, guide.slug);
    const paths = [...content().paths.values()].filter((p) => p.items.some((it) => it.type === 'guide' && it.slug === guide.slug));
    const parts = Object.assign({}, ...(deps.guideParts ?? []).filter((p) => p.guide === guide.slug).map((p) => p.data(req)));
    res.render('workshops/guide', { title: guide.title, guide, guideHtml: htmlFor(guide, profileOf(req)), profile: profileOf(req), read: !!id, paths, ...parts });
  });

  r.get('/paths/:slug', (req, res) => {
    const path = catalog.path(req.params.slug);
    const summary = progress.pathSummary(learnerId(req), path.slug);
    const items = summary.items.map((it) => {
      const c = it.type === 'guide' ? content().guides.get(it.slug)! : content().workshops.get(it.slug)!;
      return { ...it, title: c.title, summary: c.summary };
    });
    res.render('workshops/path', { title: path.title, learningPath: path, items, done: summary.done, total: summary.total, started: !!learnerId(req) });
  });

  r.get('/dashboard', (req, res) => {
    const list = progress
      .all(learnerId(req))
      .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))
      .map((s) => ({ ...s, workshop: content().workshops.get(s.workshop)! }));
    res.render('workshops/dashboard', {
      title: 'Your dashboard',
      list,
      signedIn: !!currentUser(req),
      paths: [...content().paths.values()],
      pathsDone: pathsDone(req),
      progress: summaries(req),
      profile: profileOf(req),
      ...(deps.dashboardParts ? Object.assign({}, ...deps.dashboardParts.map((part) => part(req))) : {}),
    });
  });

  return r;
}
