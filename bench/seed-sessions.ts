import { randomUUID } from 'node:crypto';
import type { Op } from '../src/lib/store/store.ts';
import type { LiveSession, Participant } from '../src/sessions/sessions-types.ts';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const AIO = ['prepare-host', 'create-vms', 'install-controller', 'first-login', 'oam-connectivity', 'bootstrap-overrides', 'run-bootstrap', 'configure-controller', 'configure-storage', 'unlock', 'verify', 'first-workload'];

/** 50 past workshop sessions with 20 participants each, questions and announcements. */
export async function seedSessions(commit: (ops: Op[]) => Promise<void>, users: { id: string; username: string }[]): Promise<void> {
  const ops: Op[] = [];
  const host = users[0]!;
  for (let i = 0; i < 50; i++) {
    const startsAt = new Date(Date.UTC(2026, 0, 1 + i * 5, 15)).toISOString();
    const s: LiveSession = {
      id: randomUUID(),
      code: `BENCH${[961, 31, 1].map((d) => ALPHABET[Math.floor(i / d) % 31]).join('')}`,
      workshop: 'aio-simplex-virtual',
      title: `Benchmark session ${i}`,
      startsAt,
      durationMinutes: 180,
      capacity: 40,
      hosts: [host.id],
      helpers: [],
      status: 'ended',
      announcements: [{ id: randomUUID(), text: 'Welcome! We start with the host preparation.', byName: host.username, at: startsAt }],
      createdAt: startsAt,
      createdBy: host.id,
      endedAt: startsAt,
    };
    ops.push({ c: 'liveSessions', k: s.id, v: s });
    for (let q = 0; q < 5; q++) {
      const id = randomUUID();
      ops.push({ c: 'liveQuestions', k: `${s.id}~${id}`, v: { sessionId: s.id, id, by: users[1 + q]!.id, byName: users[1 + q]!.username, text: `Question ${q} about the bootstrap?`, answered: q % 2 === 0, pinned: false, at: startsAt } });
    }
    for (let n = 0; n < 20; n++) {
      const u = users[1 + ((i * 20 + n) % (users.length - 1))]!;
      const done = AIO.slice(0, n % AIO.length);
      const p: Participant = {
        sessionId: s.id, userId: u.id, username: u.username, joinedAt: startsAt,
        currentStep: AIO[done.length]!, stepEnteredAt: startsAt, stepsDone: done,
        stepTimes: Object.fromEntries(done.map((d) => [d, 600_000])), stuckSteps: [],
      };
      ops.push({ c: 'participants', k: `${s.id}~${u.id}`, v: p });
    }
  }
  await commit(ops);
}
