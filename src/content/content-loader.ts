import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { renderTrusted, type Rendered, type VariantCondition } from '../lib/markdown.ts';
import { isSlug } from '../lib/validate.ts';
import { compileCheckpoint, type Checkpoint } from './checkpoint.ts';
import { parseFrontMatter, lineOfPath, type Problem } from './front-matter.ts';
import { GuideMeta, PathsFile, StepMeta, WorkshopMeta, type CheckedOn, type SourceRef } from './content-schemas.ts';
import { inlineAssets } from './assets.ts';

export type { Problem } from './front-matter.ts';

export interface Step {
  id: string;
  index: number;
  file: string;
  title: string;
  minutes: number;
  phase: z.output<typeof StepMeta>['phase'];
  faqTags: string[];
  checkpoint?: Checkpoint;
  html: string;
  variants: VariantCondition[];
  sources: SourceRef[];
  checked?: CheckedOn;
}

export type Workshop = z.output<typeof WorkshopMeta> & {
  slug: string;
  html: string;
  variants: VariantCondition[];
  steps: Step[];
  /** Steps by id, for validated lookups without touching the file system. */
  stepById: Map<string, Step>;
};

export type Guide = z.output<typeof GuideMeta> & { slug: string; html: string; variants: VariantCondition[] };

export interface LearningPath {
  slug: string;
  title: string;
  summary: string;
  items: { type: 'guide' | 'workshop'; slug: string }[];
}

export interface Content {
  workshops: Map<string, Workshop>;
  guides: Map<string, Guide>;
  paths: Map<string, LearningPath>;
  /** Broken content, left out of the site. */
  problems: Problem[];
  /** What the content check refuses but the site can still serve (a step that cites no sources). */
  warnings: Problem[];
}

interface PendingLinks {
  file: string;
  line: number;
  links: string[];
}

interface Ctx {
  root: string;
  problems: Problem[];
  warnings: Problem[];
  links: PendingLinks[];
}

/**
 * Renders a file's Markdown body; a body that cannot be rendered (a malformed variant block, a missing
 * diagram) is a problem with the file and line, not a crash. Text that shows commands must say what it
 * was checked against: a newcomer copies commands, so each one needs a source and a release.
 */
function renderBody(
  file: string,
  raw: string,
  parsed: { body: string; bodyLine: number; data: { sources?: unknown[]; checked?: unknown } },
  ctx: Ctx,
): Rendered | undefined {
  let r: Rendered;
  try {
    r = renderTrusted(parsed.body);
    r = { ...r, html: inlineAssets(r.html, ctx.root) };
  } catch (err) {
    const at = raw.split('\n').findIndex((l) => l.startsWith(':::variant') || l.includes('/assets/'));
    ctx.problems.push({ file, line: at >= 0 ? at + 1 : parsed.bodyLine, message: (err as Error).message });
    return undefined;
  }
  ctx.links.push({ file, line: parsed.bodyLine, links: r.links });
  if (r.hasCommands && (!parsed.data.sources?.length || !parsed.data.checked)) {
    const firstCommand = raw.split('\n').findIndex((l) => /^\s*```\s*(bash|sh|shell|console|zsh)\b/.test(l));
    ctx.warnings.push({
      file,
      line: firstCommand >= 0 ? firstCommand + 1 : parsed.bodyLine,
      message: 'shows commands but does not say what they were checked against: add `sources:` (links to the StarlingX code or docs) and `checked: { release, on }`',
    });
  }
  return r;
}

const STEP_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/**
 * Loads every workshop, guide and path, rendering Markdown once. A broken workshop is left out and
 * its problems are returned; the rest is served. `faqIds` lets links to FAQ entries be checked.
 */
export function loadContent(root: string, faqIds: Set<string> = new Set()): Content {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const links: PendingLinks[] = [];
  const workshops = new Map<string, Workshop>();
  const guides = new Map<string, Guide>();
  const paths = new Map<string, LearningPath>();

  for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
    const dir = join(root, name);
    if (name === 'guides' || name === 'assets' || !statSync(dir).isDirectory()) continue;
    const before = problems.length;
    const workshop = loadWorkshop(dir, name, rel, { root, problems, warnings, links });
    if (workshop && problems.length === before) workshops.set(name, workshop);
  }

  const guideDir = join(root, 'guides');
  for (const name of existsSync(guideDir) ? readdirSync(guideDir).sort() : []) {
    if (!name.endsWith('.md')) continue;
    const file = join(guideDir, name);
    const slug = name.slice(0, -3);
    if (!isSlug(slug)) {
      problems.push({ file: rel(file), line: 1, message: `file name must be a kebab-case slug` });
      continue;
    }
    const raw = readFileSync(file, 'utf8');
    const parsed = parseFrontMatter(rel(file), raw, GuideMeta, problems);
    if (!parsed) continue;
    const r = renderBody(rel(file), raw, parsed, { root, problems, warnings, links });
    if (r) guides.set(slug, { ...parsed.data, slug, html: r.html, variants: r.variants });
  }

  const pathsFile = join(root, 'paths.yml');
  if (existsSync(pathsFile)) {
    const raw = readFileSync(pathsFile, 'utf8');
    const doc = YAML.parseDocument(raw);
    if (doc.errors.length) {
      for (const e of doc.errors) problems.push({ file: rel(pathsFile), line: e.linePos?.[0]?.line ?? 1, message: e.message });
    } else {
      const result = PathsFile.safeParse(doc.toJS());
      if (!result.success) {
        for (const issue of result.error.issues) {
          problems.push({ file: rel(pathsFile), line: lineOfPath(raw, issue.path), message: `${issue.path.join('.')}: ${issue.message}` });
        }
      } else {
        result.data.forEach((p, i) => {
          const items = p.items.map((it) => ('guide' in it ? { type: 'guide' as const, slug: it.guide } : { type: 'workshop' as const, slug: it.workshop }));
          // An item whose guide or workshop is missing (or was skipped as broken) is left out of the path.
          const known = items.filter((it) => {
            const ok = it.type === 'guide' ? guides.has(it.slug) : workshops.has(it.slug);
            if (!ok) problems.push({ file: rel(pathsFile), line: lineOfPath(raw, [i, 'items']), message: `path ${p.slug}: unknown ${it.type} ${it.slug}` });
            return ok;
          });
          if (known.length) paths.set(p.slug, { slug: p.slug, title: p.title, summary: p.summary, items: known });
        });
      }
    }
  }

  for (const { file, line, links: hrefs } of links) {
    for (const href of hrefs) {
      if (!linkExists(href, workshops, guides, paths, faqIds)) {
        problems.push({ file, line: lineOfLink(file, href) ?? line, message: `broken internal link ${href}` });
      }
    }
  }
  return { workshops, guides, paths, problems, warnings };
}

function lineOfLink(file: string, href: string): number | undefined {
  try {
    const idx = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`(${href}`));
    return idx >= 0 ? idx + 1 : undefined;
  } catch {
    return undefined;
  }
}

function loadWorkshop(
  dir: string,
  slug: string,
  rel: (p: string) => string,
  ctx: Ctx,
): Workshop | undefined {
  const { problems } = ctx;
  if (!isSlug(slug)) {
    problems.push({ file: rel(dir), line: 1, message: 'workshop folder name must be a kebab-case slug' });
    return undefined;
  }
  const overview = join(dir, 'workshop.md');
  if (!existsSync(overview)) {
    problems.push({ file: rel(dir), line: 1, message: 'missing workshop.md' });
    return undefined;
  }
  const overviewRaw = readFileSync(overview, 'utf8');
  const meta = parseFrontMatter(rel(overview), overviewRaw, WorkshopMeta, problems);
  const steps: Step[] = [];
  const seen = new Set<string>();
  for (const name of readdirSync(dir).sort()) {
    if (name === 'workshop.md' || !name.endsWith('.md')) continue;
    const file = join(dir, name);
    const m = STEP_FILE.exec(name);
    if (!m) {
      problems.push({ file: rel(file), line: 1, message: 'step files are named NN-step-id.md' });
      continue;
    }
    const id = m[2]!;
    if (seen.has(id)) problems.push({ file: rel(file), line: 1, message: `duplicate step id ${id}` });
    seen.add(id);
    const raw = readFileSync(file, 'utf8');
    const parsed = parseFrontMatter(rel(file), raw, StepMeta, problems);
    if (!parsed) continue;
    let checkpoint: Checkpoint | undefined;
    if (parsed.data.checkpoint) {
      try {
        checkpoint = compileCheckpoint(parsed.data.checkpoint);
      } catch (err) {
        problems.push({ file: rel(file), line: lineOfPath(raw, ['checkpoint']), message: `checkpoint: ${(err as Error).message}` });
        continue;
      }
    }
    const r = renderBody(rel(file), raw, parsed, ctx);
    if (!r) continue;
    steps.push({ id, index: steps.length, file: rel(file), ...parsed.data, checkpoint, html: r.html, variants: r.variants });
  }
  if (!meta) return undefined;
  if (steps.length === 0) {
    problems.push({ file: rel(overview), line: 1, message: 'a workshop needs at least one step file' });
    return undefined;
  }
  const r = renderBody(rel(overview), overviewRaw, meta, ctx);
  if (!r) return undefined;
  return { ...meta.data, slug, html: r.html, variants: r.variants, steps, stepById: new Map(steps.map((s) => [s.id, s])) };
}

/** Whether an absolute internal link (`/workshops/...`, `/faq/<id>`) points at something that exists. */
export function linkExists(
  href: string,
  workshops: Map<string, Workshop>,
  guides: Map<string, Guide>,
  paths: Map<string, LearningPath>,
  faqIds: Set<string>,
): boolean {
  const path = href.split(/[?#]/)[0]!.replace(/\/$/, '');
  const parts = path.split('/').slice(1);
  switch (parts[0]) {
    case 'workshops':
      if (parts.length === 1) return true;
      if (parts.length === 2) return workshops.has(parts[1]!);
      return parts.length === 4 && parts[2] === 'steps' && !!workshops.get(parts[1]!)?.stepById.has(parts[3]!);
    case 'guides':
      return parts.length === 1 || (parts.length === 2 && guides.has(parts[1]!));
    case 'paths':
      return parts.length === 1 || (parts.length === 2 && paths.has(parts[1]!));
    case 'faq':
      return parts.length === 1 || (parts.length === 2 && faqIds.has(parts[1]!));
    case undefined:
      return true;
    default:
      return ['', 'dashboard', 'search', 'sessions', 'signup', 'login'].includes(parts[0]!);
  }
}
