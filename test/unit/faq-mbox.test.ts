import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanSubject, parseMbox, splitMbox, threadMails } from '../../src/faq/mbox-threads.ts';
import { draftFromThread, importMbox, isInstallQuestion } from '../../src/faq/mbox-import.ts';
import { renderMarkdown } from '../../src/faq/faq-entry.ts';
import { importSummary } from '../../src/cli/faq-import-mbox.ts';

const SAMPLE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'mbox', 'sample.mbox'), 'utf8');

describe('reading a mailing-list archive', () => {
  it('when the mbox is split, then every message is found and ">From " lines in bodies are unescaped', () => {
    const raw = splitMbox(SAMPLE);
    expect(raw).toHaveLength(12);
    expect(raw[1]).toContain('\nFrom then on the image download works');
  });

  it('when messages are threaded, then replies join by In-Reply-To and References, a reply without them by subject, and a second copy is dropped', async () => {
    const threads = threadMails(await parseMbox(SAMPLE));
    expect(threads.map((t) => [t.rootId, t.messages.length])).toEqual([
      ['<q1.alice@example.org>', 3],
      ['<q2.carol@example.org>', 4],
      ['<q3.frank@example.org>', 2],
      ['<c1.henry@example.org>', 2],
    ]);
  });

  it('when threads are classified, then answered install questions are kept and chatter is not', async () => {
    const threads = threadMails(await parseMbox(SAMPLE));
    expect(threads.map(isInstallQuestion)).toEqual([true, true, true, false]);
  });

  it('when a draft is made, then subject, error lines, the thanked reply and the source are used', async () => {
    const [dns, unlock] = threadMails(await parseMbox(SAMPLE));
    const d = draftFromThread(dns!);
    expect(d.title).toBe('Bootstrap fails: Temporary failure in name resolution');
    expect(d.errorText).toContain('fatal: [localhost]: FAILED!');
    expect(d.errorText).not.toContain('What am I missing');
    expect(d.fix).toContain('dns_servers');
    expect(d.fix).not.toContain('> I am installing');
    expect(d.fix).not.toContain('Bob\n');
    expect(d.sources).toEqual(['https://lists.example.org/archives/starlingx-discuss/2024-May/000101.html']);
    const u = draftFromThread(unlock!);
    expect(u.fix).toContain('interface-network-assign');
    expect(u.fix).not.toContain('reboot the VM');
    expect(u.sources).toEqual(['mbox:<q2.carol@example.org>']);
    expect(u.origin).toContain('answered by Erin Expert');
  });

  it('when subjects carry list tags and reply prefixes, then they are removed', () => {
    expect(cleanSubject('Re: RE: [starlingx-discuss] Fwd: Bootstrap  fails')).toBe('Bootstrap fails');
  });

  it('when the same archive is imported twice, then the second import creates nothing', async () => {
    const keys = new Set<string>();
    const deps = {
      exists: (k: string) => keys.has(k),
      createDraft: async (d: { importKey?: string; title: string }) => {
        keys.add(d.importKey!);
        return { id: d.title };
      },
    };
    expect(await importMbox(SAMPLE, deps)).toMatchObject({ skipped: 0, ignored: 1, created: expect.any(Array) });
    expect(keys.size).toBe(3);
    expect(await importMbox(SAMPLE, deps)).toEqual({ created: [], skipped: 3, ignored: 1, failed: [] });
  });
});

describe('importing an archive with hostile messages', () => {
  const HOSTILE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'mbox', 'hostile.mbox'), 'utf8');

  it('when one message cannot be parsed and one thread cannot become a draft, then both are reported and the threads around them are imported', async () => {
    const created: string[] = [];
    const result = await importMbox(HOSTILE, {
      exists: () => false,
      // The real createDraft renders the fields, as the FAQ service does.
      createDraft: async (d) => {
        renderMarkdown(d.cause ?? '', 'cause');
        renderMarkdown(d.fix ?? '', 'fix');
        created.push(d.title);
        return { id: `draft-${created.length}` };
      },
    });
    expect(created).toEqual(['Bootstrap fails: Temporary failure in name resolution', 'host-unlock rejected on controller-0']);
    expect(result).toMatchObject({ created: ['draft-1', 'draft-2'], skipped: 0, ignored: 0 });
    expect(result.failed).toEqual([
      { message: 'message 3 of 7 <bomb.mallory@example.org> "[starlingx-discuss] Nested parts"', reason: expect.stringMatching(/child nodes/) },
      { message: 'thread <deep.trent@example.org> "Ansible bootstrap fails on controller-0"', reason: expect.stringMatching(/^cause: Quotes and lists are nested too deeply/) },
    ]);
    expect(importSummary(result)).toBe(
      [
        '2 drafts created in the review queue (draft-1, draft-2); 0 threads imported before; 0 not install questions; 2 skipped because of errors:',
        `  skipped ${result.failed[0]!.message}: ${result.failed[0]!.reason}`,
        `  skipped ${result.failed[1]!.message}: ${result.failed[1]!.reason}`,
      ].join('\n'),
    );
  });
});
