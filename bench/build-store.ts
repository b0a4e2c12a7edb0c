import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { openStore } from '../src/lib/db.ts';
import type { Op } from '../src/lib/store/store.ts';

export const BENCH_PASSWORD = 'bench password 1';
export const FORTY = 'bench-forty';

/** Content for the benchmark: the real workshops plus a generated one with 23 steps. */
export function buildContent(root: string, dir: string): void {
  cpSync(join(root, 'workshops'), dir, { recursive: true });
  const w = join(dir, FORTY);
  mkdirSync(w, { recursive: true });
  writeFileSync(join(w, 'workshop.md'), `---\ntitle: Benchmark workshop\nsummary: Generated for npm run bench.\naudience: Benchmarks.\nlevel: advanced\nduration: 230\nrelease: "9.0"\ndeployment: any\nobjectives: [Measure]\n---\nGenerated.\n`);
  for (let i = 1; i <= 23; i++) {
    const id = String(i).padStart(2, '0');
    writeFileSync(join(w, `${id}-step-${id}.md`), `---\ntitle: Step ${i}\nminutes: 10\nphase: configure\n---\nStep ${i}.\n\n\`\`\`bash\nsystem host-list\n\`\`\`\n`);
  }
}

export interface BuiltStore {
  users: { id: string; username: string }[];
  tokens: string[];
  adminToken: string;
}

const AIO = ['prepare-host', 'create-vms', 'install-controller', 'first-login', 'oam-connectivity', 'bootstrap-overrides', 'run-bootstrap', 'configure-controller', 'configure-storage', 'unlock', 'verify', 'first-workload'];

/**
 * Writes a realistic store: `learners` users, each with 40 step records (12 + 5 + 23 over three
 * workshops), `tokenCount` API tokens, one admin; extra collections come from `extra`.
 */
export async function buildStore(
  dataDir: string,
  learners: number,
  tokenCount: number,
  mirrorSteps: string[],
  extra: (commit: (ops: Op[]) => Promise<void>, users: { id: string; username: string }[]) => Promise<void> = async () => {},
): Promise<BuiltStore> {
  const store = await openStore(join(dataDir, 'store'), { compactIntervalMs: 0, log: () => {} });
  const passwordHash = await hash(BENCH_PASSWORD);
  const now = new Date().toISOString();
  const users: { id: string; username: string }[] = [];
  const tokens: string[] = [];
  let ops: Op[] = [];
  const flush = async (force = false) => {
    if (ops.length >= 3000 || (force && ops.length)) {
      await store.commit(ops);
      ops = [];
    }
  };
  const rec = (done: boolean) => ({ done, doneAt: done ? now : undefined, updatedAt: now, ...(done ? { checkpoint: { passed: true, at: now, attempts: 1 } } : {}) });
  const steps = (ids: string[], share: number) => Object.fromEntries(ids.map((id, i) => [id, rec(i < ids.length * share)]));
  for (let i = 0; i < learners; i++) {
    const id = `bench-${i.toString(36).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
    const username = `learner${i}`;
    users.push({ id, username });
    ops.push({ c: 'users', k: id, v: { id, username, usernameKey: username, passwordHash, role: i === 0 ? 'admin' : 'learner', createdAt: now, sessionVersion: 1 } });
    const progress = (workshop: string, ids: string[]) => ({
      c: 'progress',
      k: `${id}~${workshop}`,
      v: { learnerId: id, workshop, steps: steps(ids, (i % 10) / 10), lastStep: ids[0], startedAt: now, updatedAt: now },
    });
    ops.push(progress('aio-simplex-virtual', AIO));
    ops.push(progress('registry-mirror', mirrorSteps));
    ops.push(progress(FORTY, Array.from({ length: 23 }, (_, n) => `step-${String(n + 1).padStart(2, '0')}`)));
    if (i < tokenCount) {
      const token = `onr_${randomBytes(24).toString('base64url')}`;
      tokens.push(token);
      const hashHex = createHash('sha256').update(token).digest('hex');
      ops.push({ c: 'tokens', k: hashHex, v: { id: `t${i}`, userId: id, name: 'bench', hash: hashHex, createdAt: now } });
    }
    await flush();
  }
  await flush(true);
  await extra((o) => store.commit(o), users);
  await store.close();
  return { users, tokens: tokens.slice(1), adminToken: tokens[0]! };
}
