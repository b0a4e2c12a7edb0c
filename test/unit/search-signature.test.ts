import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { compileSignature } from '../../src/search/signature.ts';
import { EvidenceIndex } from '../../src/search/evidence.ts';
import { extractLogFeatures } from '../../src/search/log-features.ts';
import { fingerprintTokens, shingles } from '../../src/search/fingerprint.ts';
import { loadFaqSeed } from '../../src/content/faq-seed.ts';

const SEED = join(import.meta.dirname, '..', '..', 'seed');
const entry = (id: string, errorText: string, signatures: string[] = [], title = id) => ({ id, title, errorText, signatures, body: '' });
const collect = (index: EvidenceIndex, paste: string) => index.collect(paste, extractLogFeatures(paste), () => true);

describe('error signatures and evidence', () => {
  it('when a pattern needs what the linear-time engine lacks, then it is refused with the reason', () => {
    expect(() => compileSignature('error(?!: none)')).toThrow(/look-ahead/);
  });

  it('when two occurrences of one error differ in hosts, disks, paths and numbers, then their fingerprints are the same', () => {
    expect(fingerprintTokens("Can not associate to a rootfs disk /dev/sda on 'controller-0' (12 GiB)"))
      .toEqual(fingerprintTokens("Can not associate to a rootfs disk /dev/vdb on 'controller-1' (480 GiB)"));
    expect(shingles('ab cd')).toEqual(['ab cd']);
    expect(shingles('x')).toEqual([]);
  });

  it('when the paste holds a seed entry\'s error text inside a noisy log, then that entry has evidence of the error', () => {
    const seed = loadFaqSeed(SEED);
    const index = new EvidenceIndex();
    for (const e of seed) index.upsert(e);
    for (const e of seed) {
      if (!e.errorText) continue;
      const paste = `2024-01-01T00:00:00Z noise before\n${e.errorText}\nnoise after 10.0.0.1`;
      const ev = collect(index, paste).get(e.id);
      expect(ev && (ev.signatures > 0 || ev.containment >= 0.5), e.id).toBe(true);
    }
  });

  it('when a signature matches only what every failing run prints, then it tells little; a specific message tells a lot', () => {
    const index = new EvidenceIndex();
    index.upsert(entry('catch-all', 'fatal: [localhost]: FAILED!', ['fatal: \\[localhost\\]: FAILED!']));
    index.upsert(entry('dns', 'dial tcp: lookup registry.k8s.io on 8.8.8.8:53: i/o timeout', ['lookup \\S+ on \\S+:53: ']));
    for (let i = 0; i < 8; i++) index.upsert(entry(`other-${i}`, `something else number ${i} went wrong with the registry`));
    const paste = 'TASK [x : y]\nfatal: [localhost]: FAILED! => changed=false\n  msg: dial tcp: lookup quay.io on 10.0.0.1:53: i/o timeout\n';
    const ev = collect(index, paste);
    expect(ev.get('catch-all')!.signatures).toBeGreaterThan(0);
    expect(ev.get('catch-all')!.signatureInfo).toBe(0);
    expect(ev.get('dns')!.signatureInfo).toBeGreaterThan(2.5);
  });

  it('when an entry\'s error text is contained in another\'s, then the other is the more specific explanation', () => {
    const index = new EvidenceIndex();
    index.upsert(entry('general', 'the operation failed on the host controller'));
    index.upsert(entry('specific', 'the operation failed on the host controller because the disk is full'));
    expect([...index.subsumedBy('general')]).toEqual(['specific']);
    expect([...index.subsumedBy('specific')]).toEqual([]);
  });

  it('when a paste names an alarm, then the entry about that alarm has it as evidence, and one that only mentions it does not', () => {
    const index = new EvidenceIndex();
    index.upsert(entry('alarm-200-001-host-locked', 'controller-0 was administratively locked'));
    index.upsert(entry('host-stays-locked', 'Host stays locked, see 200.001'));
    const ev = collect(index, '| 200.001 | controller-0 was administratively locked to take it out-of-service. |');
    expect(ev.get('alarm-200-001-host-locked')!.alarm).toBe('200.001');
    expect(ev.get('host-stays-locked')!.alarm).toBeUndefined();
    expect(ev.get('host-stays-locked')!.alarmMention).toBe('200.001');
  });
});
