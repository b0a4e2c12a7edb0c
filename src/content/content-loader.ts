import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { renderTrusted } from '../lib/markdown.ts';
import { isSlug } from '../lib/validate.ts';
import { compileCheckpoint, type Checkpoint } from './checkpoint.ts';
import { parseFrontMatter, lineOfPath, type Problem } from './front-matter.ts';
import { GuideMeta, PathsFile, StepMeta, WorkshopMeta } from './content-schemas.ts';

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
}

export type Workshop = z.output<typeof WorkshopMeta> & {
  slug: string;
  html: string;
  steps: Step[];
  /** Steps by id, for validated lookups without touching the file system. */
  stepById: Map<string, Step>;
};

export type Guide = z.output<typeof GuideMeta> & { slug: string; html: string };

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
  problems: Problem[];
}

interface PendingLinks {
  file: string;
  line: number;
  links: string[];
}

const STEP_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/**
 * Loads every workshop, guide and path, rendering Markdown once. A broken workshop is left out and
 * its problems are returned; the rest is served. `faqIds` lets links to FAQ entries be checked.
 */
export function loadContent(root: string, faqIds: Set<string> = new Set()): Content {
  const problems: Problem[] = [];
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const links: PendingLinks[] = [];
  const workshops = new Map<string, Workshop>();
  const guides = new Map<string, Guide>();
  const paths = new Map<string, LearningPath>();

  for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
    const dir = join(root, name);
    if (name === 'guides' || !statSync(dir).isDirectory()) continue;
    const before = problems.length;
    const workshop = loadWorkshop(dir, name, rel, problems, links);
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
    const parsed = parseFrontMatter(rel(file), readFileSync(file, 'utf8'), GuideMeta, problems);
    if (!parsed) continue;
    const r = renderTrusted(parsed.body);
    links.push({ file: rel(file), line: parsed.bodyLine, links: r.links });
    guides.set(slug, { ...parsed.data, slug, html: r.html });
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
  return { workshops, guides, paths, problems };
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
  problems: Problem[],
  links: PendingLinks[],
): Workshop | undefined {
  if (!isSlug(slug)) {
    problems.push({ file: rel(dir), line: 1, message: 'workshop folder name must be a kebab-case slug' });
    return undefined;
  }
  const overview = join(dir, 'workshop.md');
  if (!existsSync(overview)) {
    problems.push({ file: rel(dir), line: 1, message: 'missing workshop.md' });
    return undefined;
  }
  const meta = parseFrontMatter(rel(overview), readFileSync(overview, 'utf8'), WorkshopMeta, problems);
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
    const r = renderTrusted(parsed.body);
    links.push({ file: rel(file), line: parsed.bodyLine, links: r.links });
    steps.push({ id, index: steps.length, file: rel(file), ...parsed.data, checkpoint, html: r.html });
  }
  if (!meta) return undefined;
  if (steps.length === 0) {
    problems.push({ file: rel(overview), line: 1, message: 'a workshop needs at least one step file' });
    return undefined;
  }
  const r = renderTrusted(meta.body);
  links.push({ file: rel(overview), line: meta.bodyLine, links: r.links });
  return { ...meta.data, slug, html: r.html, steps, stepById: new Map(steps.map((s) => [s.id, s])) };
}

function linkExists(
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
