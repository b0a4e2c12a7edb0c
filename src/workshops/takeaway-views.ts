import type { Workshop } from '../content/content-loader.ts';
import { htmlFor, type Profile } from '../content/profile.ts';
import type { SourceRef, CheckedOn } from '../content/content-schemas.ts';
import { expectedOutput } from './expected-output.ts';

/** A step as the printable and the offline copies show it. */
export interface TakeawayStep {
  id: string;
  n: number;
  title: string;
  minutes: number;
  html: string;
  checkpoint?: { promptHtml: string; prompt: string; expectedHtml?: string };
  sources: SourceRef[];
  checked?: CheckedOn;
}

/**
 * Links of a copy that leaves the site: a step of the same workshop becomes an anchor in the copy,
 * any other page of Onramp its full address (it works once the reader is online, and prints as an
 * address). The HTML is the workshop's own, rendered from the repository.
 */
export function linksForCopy(html: string, slug: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/$/, '');
  return html.replace(/ href="(\/[^"]*)"/g, (_m, path: string) => {
    const own = new RegExp(`^/workshops/${slug}/steps/([a-z0-9-]+)(?:#[^"]*)?$`).exec(path);
    if (own) return ` href="#step-${own[1]}"`;
    if (path.startsWith('//')) return ` href="${path}"`;
    return ` href="${base}${path}"`;
  });
}

/** Headings one level down: in a copy, the workshop is the h1 and each step an h2. */
const shiftHeadings = (html: string) => html.replace(/<(\/?)h([1-5])(?=[\s>])/g, (_m, slash: string, n: string) => `<${slash}h${Number(n) + 1}`);

export function takeawaySteps(workshop: Workshop, profile: Profile, baseUrl: string): TakeawayStep[] {
  return workshop.steps.map((s) => ({
    id: s.id,
    n: s.index + 1,
    title: s.title,
    minutes: s.minutes,
    html: shiftHeadings(linksForCopy(htmlFor(s, profile), workshop.slug, baseUrl)),
    checkpoint: s.checkpoint && {
      prompt: s.checkpoint.prompt,
      promptHtml: linksForCopy(s.checkpoint.promptHtml, workshop.slug, baseUrl),
      expectedHtml: expectedOutput(s),
    },
    sources: s.sources,
    checked: s.checked,
  }));
}

/** The overview's own text for a copy (its headings stay: they sit under the workshop's h1 already). */
export const takeawayOverview = (workshop: Workshop, profile: Profile, baseUrl: string) => linksForCopy(htmlFor(workshop, profile), workshop.slug, baseUrl);
