import { Router, type Request, type Response } from 'express';
import type { Workshop } from '../content/content-loader.ts';
import { toProfile, type Profile } from '../content/profile.ts';
import { VARIANT_DIMENSIONS } from '../lib/markdown.ts';
import { rawProfile } from '../lib/web/roles.ts';
import type { Catalog } from './catalog.ts';
import { takeawayOverview, takeawaySteps } from './takeaway-views.ts';
import { offlineAssets } from './offline-assets.ts';
import { ANSWER_MAX } from './offline-answers.ts';

/** "AIO-SX on libvirt/KVM", or '' when the reader has not said what they install. */
function setupName(p: Profile): string {
  const parts = [p.deployment ? VARIANT_DIMENSIONS.deployment[p.deployment] : '', p.platform ? `on ${VARIANT_DIMENSIONS.platform[p.platform]}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** What the printable and the offline copies of a workshop show, for the reader's setup. */
export function copyData(req: Request, res: Response, workshop: Workshop) {
  const profile = toProfile(rawProfile(req));
  const baseUrl = String(res.locals.baseUrl).replace(/\/$/, '');
  return {
    workshop,
    steps: takeawaySteps(workshop, profile, baseUrl),
    overviewHtml: takeawayOverview(workshop, profile, baseUrl),
    pageUrl: `${baseUrl}/workshops/${workshop.slug}`,
    copiedOn: new Date().toISOString().slice(0, 10),
    setup: setupName(profile),
  };
}

/**
 * Workshops that leave the screen: a printable page with every step, and an offline copy: one HTML
 * file with its styles and script inside, which loads nothing (its own Content-Security-Policy says
 * so to the browser that opens it from disk) and keeps the learner's checkpoint answers.
 */
export function takeawayRoutes(deps: { catalog: Catalog }): Router {
  const r = Router();
  r.get('/workshops/:slug/print', (req, res) => {
    const workshop = deps.catalog.workshop(req.params.slug);
    res.render('workshops/print', { title: `${workshop.title} (printable)`, ...copyData(req, res, workshop) });
  });

  r.get('/workshops/:slug/offline', (req, res, next) => {
    const workshop = deps.catalog.workshop(req.params.slug);
    const { css, js, csp } = offlineAssets();
    res.render('workshops/offline', { ...copyData(req, res, workshop), css, js, csp, answerMax: ANSWER_MAX }, (err, html) => {
      if (err) return next(err);
      res.attachment(`onramp-${workshop.slug}-${workshop.release}.html`).type('html').send(html);
    });
  });
  return r;
}
