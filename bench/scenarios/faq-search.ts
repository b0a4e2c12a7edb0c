import { join } from 'node:path';
import type { Op } from '../../src/lib/store/store.ts';
import type { BenchContext, Scenario } from '../bench-types.ts';
import { percentile } from '../load.ts';
import { loadContent } from '../../src/content/content-loader.ts';
import { loadFaqSeed } from '../../src/content/faq-seed.ts';
import { renderUser } from '../../src/lib/markdown.ts';
import { createSearchService } from '../../src/search/search-service.ts';
import type { IndexableEntry } from '../../src/search/search-docs.ts';
import type { FaqEntry } from '../../src/faq/faq-types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ENTRIES = 2000;

const WORDS = (
  'controller worker storage compute oam mgmt cluster host interface bond vlan ceph osd monitor keystone ' +
  'sysinv mtce nova neutron cinder glance horizon helm armada fluxcd registry mirror proxy certificate ' +
  'kubelet etcd calico coredns containerd docker image pull timeout refused denied unreachable locked ' +
  'unlocked degraded failed enabled disabled available offline provisioning bootstrap playbook ansible ' +
  'patch upgrade backup restore subcloud systemcontroller ptp sriov dpdk hugepages memory filesystem'
).split(' ');

/**
 * Placeholder entries for the benchmark: the real seed entries, then variations of them with other
 * words and their own signatures, up to `n`. Deterministic, so runs compare.
 */
export function syntheticEntries(n = ENTRIES): FaqEntry[] {
  const seed = loadFaqSeed(join(ROOT, 'seed'));
  const at = new Date(0).toISOString();
  let x = 42;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  const renders = new Map<string, string>();
  const rendered = (md: string) => renders.get(md) ?? renders.set(md, renderUser(md)).get(md)!;
  const out: FaqEntry[] = [];
  for (let i = 0; i < n; i++) {
    const s = seed[i % seed.length]!;
    const variant = i >= seed.length;
    const extra = variant ? `${pick()} ${pick()} ${pick()}` : '';
    const code = `E${String(i).padStart(4, '0')}`;
    const cause = variant ? `${s.cause}\n\nSeen with ${extra} (${code}).` : s.cause;
    const fields = {
      title: variant ? `${s.title} (${extra})` : s.title,
      errorText: variant ? `${s.errorText} ${code} ${extra}`.trim() : s.errorText,
      deployment: s.deployment,
      phase: s.phase,
      releases: s.releases,
      cause,
      fix: s.fix,
      sources: s.sources,
      tags: s.tags,
      steps: s.steps,
      signatures: variant ? [`${code} ${extra.split(' ')[0]}`] : s.signatures,
    };
    // Rendered once per seed text: the variants only add a sentence (2,000 renders took most of the build).
    const html = { causeHtml: rendered(s.cause) + (variant ? `<p>Seen with ${extra} (${code}).</p>` : ''), fixHtml: rendered(s.fix) };
    out.push({
      id: variant ? `${s.id}-${i}` : s.id,
      ...fields,
      ...html,
      authors: ['onramp-team'],
      status: 'approved',
      revisions: [{ at, by: 'onramp-team', note: 'bench', fields }],
      reviews: [],
      createdAt: at,
      updatedAt: at,
    });
  }
  return out;
}

export const TYPED_QUERIES = ['kubectl refused', 'bootstrap dns', 'alarm 200.001', 'unlock oam interface', 'ceph clock skew', 'registy mirorr', 'image pull', 'ntp'];

export const PASTED_LOGS = [
  `2024-05-01 10:11:09,120 p=12345 u=sysadmin |  TASK [common/push-docker-images : Download images] ****\n` +
    `2024-05-01 10:11:42,871 p=12345 u=sysadmin |  fatal: [localhost]: FAILED! => {"changed": false, "msg": "dial tcp: lookup registry-1.docker.io on 10.10.10.1:53: Temporary failure in name resolution"}\n` +
    `PLAY RECAP ****\nlocalhost : ok=213 changed=120 unreachable=0 failed=1`,
  `[sysadmin@controller-0 ~(keystone_admin)]$ kubectl get pods -A\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?`,
  `| 200.001 | controller-0 was administratively locked to take it out-of-service. | host=controller-0 | warning | 2024-05-02T08:01:22.518364 |\n` +
    `| 100.114 | NTP address 192.168.1.10 is not a valid or a reachable NTP server. | host=controller-0.ntp=192.168.1.10 | minor | 2024-05-02T08:00:11 |`,
];

/** A 64 KB paste: a long install log with the failure at the end. */
export function bigLog(): string {
  const line = '2024-05-01T10:11:12.123456Z controller-0 sysinv 3f2b8c1e-9a7d-4c2b-8e1f-0a1b2c3d4e5f INFO audit host inventory ok from 10.0.0.1\n';
  const tail = PASTED_LOGS[0]!;
  return line.repeat(Math.floor((64 * 1024 - tail.length) / line.length)) + tail;
}

const percentiles = (samples: number[]) => ({ p50: percentile(samples, 50), p99: percentile(samples, 99) });

export function timeIt(fn: () => unknown, rounds: number): { p50: number; p99: number } {
  for (let i = 0; i < 20; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return percentiles(samples);
}

const ms = (p: { p50: number; p99: number }) => `p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`;

/** The harness calls this while it builds the benchmark store: the server then starts with 2,000 entries. */
export async function seed(commit: (ops: Op[]) => Promise<void>): Promise<void> {
  const entries = syntheticEntries();
  for (let i = 0; i < entries.length; i += 500) {
    await commit(entries.slice(i, i + 500).map((e) => ({ c: 'faq', k: e.id, v: e })));
  }
  await commit([{ c: 'meta', k: 'seed:faq', v: { at: new Date().toISOString(), count: 0 } }]);
}

async function timeApi(ctx: BenchContext, send: () => Promise<Response>, rounds: number) {
  const samples: number[] = [];
  for (let i = 0; i < rounds + 10; i++) {
    const t = performance.now();
    const res = await send();
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`FAQ search answered ${res.status}`);
    if (i >= 10) samples.push(performance.now() - t);
  }
  return percentiles(samples);
}

/** FAQ search with 2,000 entries: in-process (the search itself) and through the API (with HTTP). */
export const faqSearch: Scenario = async (ctx) => {
  const search = createSearchService({ content: { current: loadContent(join(ROOT, 'workshops')) } });
  const entries: IndexableEntry[] = syntheticEntries();
  const built = performance.now();
  search.setEntries(entries);
  ctx.log(`index of ${entries.length} entries plus workshops and guides built in ${(performance.now() - built).toFixed(0)} ms`);
  let q = 0;
  ctx.log(`in-process, typed queries:      ${ms(timeIt(() => search.search(TYPED_QUERIES[q++ % TYPED_QUERIES.length]!), 400))}`);
  ctx.log(`in-process, pasted logs:        ${ms(timeIt(() => search.search(PASTED_LOGS[q++ % PASTED_LOGS.length]!), 300))}`);
  const big = bigLog();
  ctx.log(`in-process, 64 KB pasted log:   ${ms(timeIt(() => search.search(big), 60))}`);

  const headers = { authorization: `Bearer ${ctx.adminToken}`, 'content-type': 'application/json' };
  const typed = await timeApi(ctx, () => fetch(`${ctx.url}/api/faq?q=${encodeURIComponent(TYPED_QUERIES[q++ % TYPED_QUERIES.length]!)}`, { headers }), 200);
  ctx.log(`API GET /api/faq?q=, typed:     ${ms(typed)}`);
  const pasted = await timeApi(ctx, () => fetch(`${ctx.url}/api/faq/search`, { method: 'POST', headers, body: JSON.stringify({ q: PASTED_LOGS[q++ % PASTED_LOGS.length] }) }), 200);
  ctx.log(`API POST /api/faq/search, logs: ${ms(pasted)}`);
};
