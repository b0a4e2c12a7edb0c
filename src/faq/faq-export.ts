import YAML from 'yaml';
import { PHASES } from '../content/content-schemas.ts';
import type { People } from './faq-people.ts';
import type { FaqEntry } from './faq-types.ts';

export const PHASE_TITLES: Record<string, string> = {
  'host-prep': 'Preparing the host',
  install: 'Installing from the ISO',
  'first-login': 'First login',
  bootstrap: 'Bootstrap',
  configure: 'Configuring the controller',
  unlock: 'Unlocking',
  verify: 'Verifying the system',
  applications: 'Applications',
  contribute: 'Contributing',
};

const linkText = (s: string) => s.replace(/([\\[\]])/g, '\\$1');

function entryFile(e: FaqEntry, people: People): string {
  const meta = {
    title: e.title,
    errorText: e.errorText,
    deployment: e.deployment,
    phase: e.phase,
    releases: e.releases,
    tags: e.tags,
    sources: e.sources,
    authors: people.names(e.authors),
    updated: e.updatedAt.slice(0, 10),
  };
  return `---\n${YAML.stringify(meta).trimEnd()}\n---\n## Cause\n\n${e.cause.trim()}\n\n## Fix\n\n${e.fix.trim()}\n`;
}

/**
 * The approved FAQ as Markdown for a documentation repository: one file per entry in a folder per
 * install phase (`bootstrap/<id>.md`), and an index.md that lists them by phase.
 */
export function exportFaq(entries: FaqEntry[], people: People): Map<string, string> {
  const files = new Map<string, string>();
  const approved = entries.filter((e) => e.status === 'approved').sort((a, b) => a.title.localeCompare(b.title));
  const index = ['# StarlingX install troubleshooting', '', `${approved.length} entries, grouped by install phase.`, ''];
  for (const phase of PHASES) {
    const group = approved.filter((e) => e.phase === phase);
    if (!group.length) continue;
    index.push(`## ${PHASE_TITLES[phase] ?? phase}`, '');
    for (const e of group) {
      files.set(`${phase}/${e.id}.md`, entryFile(e, people));
      index.push(`- [${linkText(e.title)}](${phase}/${e.id}.md)`);
    }
    index.push('');
  }
  files.set('index.md', index.join('\n'));
  return files;
}
