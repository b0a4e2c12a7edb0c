import { Router, type Request } from 'express';
import { z } from 'zod';
import type { CsrfSync } from 'csrf-sync';
import type { Services } from '../app.ts';
import type { RateLimits } from '../lib/rate-limits.ts';
import { notFound, unauthorized } from '../lib/errors.ts';
import { isSlug, parse } from '../lib/validate.ts';
import { ApiSignup, ApiTokenRequest } from '../auth/auth-schemas.ts';
import { currentUser, requireRole, requireUser } from '../auth/roles.ts';
import { viaToken } from '../lib/security.ts';
import { readMetrics } from '../lib/metrics.ts';
import { findWorkshop } from '../workshops/workshop-routes.ts';
import { CHECKPOINT_INPUT_MAX } from '../content/checkpoint.ts';
import type { Workshop } from '../content/content-loader.ts';

const DoneBody = z.strictObject({ done: z.boolean() });
const CheckpointBody = z.strictObject({ output: z.string().max(CHECKPOINT_INPUT_MAX) });

const workshopSummary = (w: Workshop) => ({
  slug: w.slug,
  title: w.title,
  summary: w.summary,
  audience: w.audience,
  level: w.level,
  duration: w.duration,
  release: w.release,
  deployment: w.deployment,
  tags: w.tags,
  stepCount: w.steps.length,
});

/** The JSON API: same services as the pages; cookie sessions (with CSRF) or bearer tokens. */
export function apiRoutes(services: Services, limits: RateLimits, csrf: CsrfSync): Router {
  const r = Router();
  const me = (req: Request) => currentUser(req)!.id;

  const stepOf = (slug: unknown, stepId: unknown) => {
    const workshop = findWorkshop(services, slug);
    const step = isSlug(stepId) ? workshop.stepById.get(stepId) : undefined;
    if (!step) throw notFound('This workshop has no such step.');
    return { workshop, step };
  };

  r.get('/session', (req, res) => {
    const user = currentUser(req);
    res.json({ user: user ?? null, csrfToken: viaToken(req) ? null : csrf.generateToken(req) });
  });

  r.post('/users', limits.signup, async (req, res) => {
    const body = parse(ApiSignup, req.body, 400);
    const user = await services.auth.signup(body.username, body.password);
    res.status(201).json({ id: user.id, username: user.username, role: user.role });
  });

  r.post('/tokens', limits.loginByIp, limits.loginByAccount, async (req, res) => {
    const body = parse(ApiTokenRequest, req.body, 400);
    const user = await services.auth.verify(body.username, body.password);
    if (!user) throw unauthorized('That username and password do not match an account.');
    const { token, record } = await services.tokens.create(user.id, body.name);
    res.status(201).json({ token, id: record.id, name: record.name, createdAt: record.createdAt });
  });

  r.get('/tokens', requireUser, (req, res) => {
    res.json({ tokens: services.tokens.forUser(me(req)).map(({ hash: _hash, userId: _u, ...t }) => t) });
  });

  r.delete('/tokens/:id', requireUser, async (req, res) => {
    if (!(await services.tokens.revoke(me(req), String(req.params.id)))) throw notFound('No such token.');
    res.status(204).end();
  });

  r.get('/workshops', (_req, res) => {
    res.json({ workshops: [...services.content.current.workshops.values()].map(workshopSummary) });
  });

  r.get('/workshops/:slug', (req, res) => {
    const w = findWorkshop(services, req.params.slug);
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
      })),
    });
  });

  r.get('/me/progress', requireUser, (req, res) => {
    res.json({ progress: services.progress.all(me(req)) });
  });

  r.get('/me/progress/:workshop', requireUser, (req, res) => {
    res.json(services.progress.summary(me(req), findWorkshop(services, req.params.workshop).slug));
  });

  r.put('/me/progress/:workshop/:step', requireUser, async (req, res) => {
    const { workshop, step } = stepOf(req.params.workshop, req.params.step);
    const { done } = parse(DoneBody, req.body, 400);
    const summary = await services.progress.setDone(me(req), workshop.slug, step.id, done);
    res.json({ workshop: workshop.slug, step: step.id, done, progress: { done: summary.done, total: summary.total, percent: summary.percent } });
  });

  r.post('/me/progress/:workshop/:step/checkpoint', requireUser, async (req, res) => {
    const { workshop, step } = stepOf(req.params.workshop, req.params.step);
    const { output } = parse(CheckpointBody, req.body, 400);
    const { passed, message, hint } = await services.progress.checkpoint(me(req), workshop.slug, step.id, output);
    res.json({ workshop: workshop.slug, step: step.id, passed, message, ...(hint ? { hint } : {}) });
  });

  r.get('/admin/metrics', requireRole('admin'), (req, res) => {
    res.json({
      ...readMetrics(req.query.reset === '1'),
      store: { ...services.store.stats },
      counts: { users: services.store.count('users'), progress: services.store.count('progress'), sessions: services.store.count('sessions') },
    });
  });

  return r;
}
