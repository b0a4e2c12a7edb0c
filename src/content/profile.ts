import { DEPLOYMENTS, PLATFORMS } from './content-schemas.ts';
import { VARIANT_OPEN, type VariantCondition } from '../lib/markdown.ts';

export type ProfileDeployment = Exclude<(typeof DEPLOYMENTS)[number], 'any'>;
export type Platform = (typeof PLATFORMS)[number];

/** What a learner says they are installing, once: it picks variant blocks, filters and suggestions. */
export interface Profile {
  deployment?: ProfileDeployment;
  platform?: Platform;
}

export const PROFILE_DEPLOYMENTS = DEPLOYMENTS.filter((d): d is ProfileDeployment => d !== 'any');

/** A profile from untrusted values (a form, a cookie): anything unknown is dropped. */
export function toProfile(input: { deployment?: unknown; platform?: unknown }): Profile {
  const deployment = PROFILE_DEPLOYMENTS.find((d) => d === input.deployment);
  const platform = PLATFORMS.find((p) => p === input.platform);
  return { ...(deployment ? { deployment } : {}), ...(platform ? { platform } : {}) };
}

export const isEmptyProfile = (p: Profile) => !p.deployment && !p.platform;

/** A condition holds unless the profile names a value it does not list; an unset dimension matches all. */
export function conditionHolds(c: VariantCondition, p: Profile): boolean {
  return (!p.deployment || !c.deployment.length || c.deployment.includes(p.deployment)) &&
    (!p.platform || !c.platform.length || c.platform.includes(p.platform));
}

export interface HasVariants {
  html: string;
  variants: VariantCondition[];
}

const cache = new WeakMap<HasVariants, Map<string, string>>();

/**
 * The HTML of a page for a profile: variant blocks that apply are open, the others folded (their
 * summary is the switch to read them). Made once per page and profile: a page has a handful of
 * profiles at most, and the work is a string replace.
 */
export function htmlFor(page: HasVariants, profile: Profile): string {
  if (page.variants.length === 0) return page.html;
  const key = `${profile.deployment ?? ''}/${profile.platform ?? ''}`;
  let byProfile = cache.get(page);
  if (!byProfile) cache.set(page, (byProfile = new Map()));
  let html = byProfile.get(key);
  if (html === undefined) {
    html = page.html;
    page.variants.forEach((c, i) => {
      html = html!.replace(VARIANT_OPEN(i), conditionHolds(c, profile) ? ' open' : '');
    });
    byProfile.set(key, html);
  }
  return html;
}
