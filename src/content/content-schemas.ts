import { z } from 'zod';
import { SLUG_RE } from '../lib/validate.ts';

export const PHASES = [
  'host-prep', 'install', 'first-login', 'bootstrap', 'configure', 'unlock', 'verify', 'applications', 'contribute',
] as const;
export const DEPLOYMENTS = ['aio-sx', 'aio-dx', 'standard', 'standard-storage', 'distributed-cloud', 'any'] as const;
export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
/** Where a learner installs: the dimension of a deployment profile besides the configuration. */
export const PLATFORMS = ['libvirt', 'virtualbox', 'bare-metal'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const slug = z.string().max(64).regex(SLUG_RE, 'must be lowercase kebab-case');
const tag = z.string().max(40).regex(SLUG_RE, 'tags are lowercase kebab-case');
const httpsUrl = z.string().max(500).url().startsWith('https://', 'must be an https:// address');
const releases = z.union([z.string(), z.number()]).transform(String);

/** A source the content was checked against: an address, or an address with a title to show. */
export const Source = z
  .union([httpsUrl, z.strictObject({ url: httpsUrl, title: text(160) })])
  .transform((s) => (typeof s === 'string' ? { url: s } : s));
export type SourceRef = z.output<typeof Source>;

/** YAML reads an unquoted 2026-12-01 as a date; both forms are accepted and kept as YYYY-MM-DD. */
const day = z
  .union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'write the date as YYYY-MM-DD')])
  .transform((d) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10)));

/** When and for which release(s) the text was checked against its sources. */
export const Checked = z.strictObject({ release: releases, on: day });
export type CheckedOn = z.output<typeof Checked>;

const provenance = {
  sources: z.array(Source).max(16).default([]),
  checked: Checked.optional(),
};

export const WorkshopMeta = z.strictObject({
  title: text(120),
  summary: text(300),
  audience: text(300),
  level: z.enum(LEVELS),
  duration: z.number().int().positive().max(24 * 60),
  release: z.union([z.string(), z.number()]).transform(String),
  deployment: z.enum(DEPLOYMENTS),
  tags: z.array(tag).max(12).default([]),
  objectives: z.array(text(300)).min(1).max(12),
  prerequisites: z.array(text(300)).max(12).default([]),
  /** Where the workshop can be followed; empty means it does not depend on it. */
  platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length).default([]),
  ...provenance,
});

export const CheckpointMeta = z.strictObject({
  prompt: text(300),
  /**
   * The command whose output is checked, exactly as the learner runs it on their machine: the step
   * page pipes it to Onramp in its terminal one-liner. One line; leave it out when the output is not a
   * command's (a console after a reboot) or would carry secrets.
   */
  command: z.string().trim().min(1).max(300).regex(/^[^\n\r]+$/, 'one line').optional(),
  expect: z.array(z.string().min(1)).min(1).max(12),
  hints: z
    .array(z.strictObject({ match: z.string().min(1), unless: z.string().min(1).optional(), hint: text(600) }))
    .max(12)
    .optional(),
  success: text(300).optional(),
});

export const StepMeta = z.strictObject({
  title: text(120),
  minutes: z.number().int().positive().max(600),
  phase: z.enum(PHASES),
  faqTags: z.array(tag).max(12).default([]),
  checkpoint: CheckpointMeta.optional(),
  ...provenance,
});

export const GuideMeta = z.strictObject({
  title: text(120),
  summary: text(300),
  tags: z.array(tag).max(12).default([]),
  order: z.number().int().min(0).default(100),
  ...provenance,
});

export const PathsFile = z.array(
  z.strictObject({
    slug,
    title: text(120),
    summary: text(300),
    items: z
      .array(z.union([z.strictObject({ guide: slug }), z.strictObject({ workshop: slug })]))
      .min(1)
      .max(30),
  }),
);

export const FaqSeedMeta = z.strictObject({
  title: text(200),
  errorText: z.string().max(2000).default(''),
  deployment: z.array(z.enum(DEPLOYMENTS)).min(1),
  phase: z.enum(PHASES),
  releases: z.union([z.string(), z.number()]).transform(String).default('any'),
  tags: z.array(tag).max(12).default([]),
  signatures: z.array(z.string().min(1)).max(6).default([]),
  sources: z.array(httpsUrl).max(10).default([]),
  checked: Checked.optional(),
  steps: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must be <workshop>/<step>')).max(20).default([]),
});
