import { describe, it, expect } from 'vitest';
import type { Request } from 'express';
import { stuckDecorator } from '../../src/faq/faq-stuck.ts';
import { setIdentity } from '../../src/lib/web/roles.ts';
import type { FaqRepository } from '../../src/faq/faq-repository.ts';
import type { SearchService } from '../../src/search/search-service.ts';
import type { Step, Workshop } from '../../src/content/content-loader.ts';

const entry = (id: string, deployment: string[]) => ({ id, title: id, status: 'approved', deployment, phase: 'verify', tags: ['kubectl'], steps: [] as string[] });
const repo = { version: 1, summaries: () => [entry('for-any', ['any']), entry('for-aio-sx', ['aio-sx']), entry('for-aio-dx', ['aio-dx'])] } as unknown as FaqRepository;
const searched: unknown[] = [];
const search = { matchLog: (_text: string, _limit: number, filters?: unknown) => (searched.push(filters), []) } as unknown as SearchService;
const step = { id: 'verify', title: 'Verify', phase: 'verify', faqTags: ['kubectl'] } as unknown as Step;
const workshop = (deployment: string) => ({ slug: `w-${deployment}`, deployment }) as unknown as Workshop;
const reader = (profile?: { deployment: string }) => {
  const req = {} as Request;
  if (profile) setIdentity(req, { profile });
  return req;
};
const ids = (out: Record<string, unknown>) => (out.stuck as { stuckEntries: { id: string }[] }).stuckEntries.map((e) => e.id).sort();

describe("the I'm stuck panel and the deployment profile", () => {
  const panel = stuckDecorator(repo, search);

  it('when the workshop is for any deployment, then the panel follows the reader\'s profile, and shows every entry without one', () => {
    expect(ids(panel(reader({ deployment: 'aio-dx' }), { workshop: workshop('any'), step }))).toEqual(['for-aio-dx', 'for-any']);
    expect(ids(panel(reader(), { workshop: workshop('any'), step }))).toEqual(['for-aio-dx', 'for-aio-sx', 'for-any']);
  });

  it('when the workshop is for one deployment, then that deployment decides, whatever the profile', () => {
    expect(ids(panel(reader({ deployment: 'aio-dx' }), { workshop: workshop('aio-sx'), step }))).toEqual(['for-aio-sx', 'for-any']);
  });

  it('when a checkpoint fails, then its output is matched against the reader\'s deployment first, then against every deployment', () => {
    searched.length = 0;
    panel(reader({ deployment: 'aio-dx' }), { workshop: workshop('any'), step, checkpoint: { output: 'error: no route to host', passed: false } });
    expect(searched).toEqual([{ deployment: 'aio-dx' }, undefined]);
  });
});
