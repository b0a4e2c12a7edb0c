import { randomUUID } from 'node:crypto';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.ts';
import type { Log } from '../lib/feature.ts';
import type { DeepReadonly } from '../lib/store/records.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import { canRun, isStaff, type SessionSummary, type SessionsPort } from '../sessions/sessions-port.ts';
import type { SecretBox } from './lab-crypto.ts';
import { LAB_LIMITS } from './labs-schemas.ts';
import type { LabsRepository, LabWrite } from './labs-repository.ts';
import type { Lab, LabInput, Waiting } from './labs-types.ts';

export const sealedFor = (l: Pick<Lab, 'sessionId' | 'id'>) => `lab:${l.sessionId}~${l.id}`;

/**
 * A session's pool and who holds what: loading labs, handing them out on joining (or by hand), the
 * waiting list, swaps, and giving everything back when the session ends. Each change reads the pool,
 * changes copies and writes them back in one transaction (`change`): on PostgreSQL it runs again if
 * another instance changed the pool meanwhile.
 */
export function createLabsService(deps: { repo: LabsRepository; box: SecretBox; sessions: SessionsPort; log: Log }) {
  const { repo, box, sessions } = deps;
  const now = () => new Date().toISOString();

  function session(id: string): SessionSummary {
    const s = sessions.find(id);
    if (!s) throw notFound('There is no live session at this address.');
    return s;
  }

  /** The session, if the user runs it (hosts and admins); helpers and participants get 403. */
  function runBy(id: string, user: SessionUser): SessionSummary {
    const s = session(id);
    if (!canRun(sessions.access(id, user))) throw forbidden('Only the hosts of this session manage its labs.');
    return s;
  }

  function staffOf(id: string, user: SessionUser): SessionSummary {
    const s = session(id);
    if (!isStaff(sessions.access(id, user))) throw forbidden('Only the hosts and helpers of this session see its labs.');
    return s;
  }

  /** A working copy of the pool and the waiting list; `changes` says what to write. */
  function plan(sessionId: string) {
    const labs = repo.pool(sessionId);
    const waiting = repo.waiting(sessionId);
    const before = new Set(waiting.map((w) => w.userId));
    const changed = new Set<Lab>();
    const removed: Lab[] = [];
    const p = {
      labs,
      waiting,
      touch: (l: Lab) => void changed.add(l),
      lab(id: string): Lab {
        const l = labs.find((x) => x.id === id);
        if (!l) throw notFound('This session has no such lab.');
        return l;
      },
      heldBy: (userId: string) => labs.find((l) => l.holder?.userId === userId),
      free: () => labs.find((l) => !l.broken && !l.holder),
      wait(w: Waiting) {
        if (waiting.some((x) => x.userId === w.userId)) return;
        waiting.push(w);
        waiting.sort((a, b) => a.since.localeCompare(b.since));
      },
      unwait(userId: string) {
        const i = waiting.findIndex((w) => w.userId === userId);
        if (i >= 0) waiting.splice(i, 1);
      },
      give(l: Lab, who: { userId: string; username: string }) {
        l.holder = { userId: who.userId, username: who.username, since: now() };
        changed.add(l);
        p.unwait(who.userId);
      },
      /** The holder of a lab that goes out of service gets a free one, or the head of the queue. */
      swapOut(l: Lab): string | undefined {
        const holder = l.holder;
        if (!holder) return undefined;
        delete l.holder;
        changed.add(l);
        const spare = p.free();
        if (spare) {
          p.give(spare, holder);
          return `${holder.username} moved to ${spare.name}.`;
        }
        // They keep the place they had: before everyone who started waiting after they got the lab.
        p.wait({ sessionId, userId: holder.userId, username: holder.username, since: holder.since });
        return `No lab was free: ${holder.username} is waiting for one.`;
      },
      remove(l: Lab) {
        labs.splice(labs.indexOf(l), 1);
        changed.delete(l);
        removed.push(l);
      },
      /** Free labs go to the waiting list in order. Returns who got one. */
      fill(): string[] {
        const served: string[] = [];
        for (let l = p.free(); l && waiting.length; l = p.free()) {
          const next = waiting[0]!;
          p.give(l, next);
          served.push(`${next.username} got ${l.name}`);
        }
        return served;
      },
      changes(): LabWrite {
        const after = new Set(waiting.map((w) => w.userId));
        return {
          labs: [...changed],
          removeLabs: removed,
          waiting: waiting.filter((w) => !before.has(w.userId)),
          leave: [...before].filter((u) => !after.has(u)).map((userId) => ({ sessionId, userId })),
        };
      },
    };
    return p;
  }
  type Plan = ReturnType<typeof plan>;

  /**
   * Runs `fn` on a fresh working copy and writes what it changed, as one transaction; `fn` may run
   * more than once (on PostgreSQL, when another instance changed the pool first). Answers what the
   * last run returned.
   */
  async function change<T>(sessionId: string, fn: (p: Plan) => T): Promise<T> {
    let out!: T;
    await repo.write(() => {
      const p = plan(sessionId);
      out = fn(p);
      return p.changes();
    });
    return out;
  }

  /** The session is over: every lab is free again and nobody waits. The labs stay for the hosts to reuse or remove. */
  async function endSession(sessionId: string): Promise<void> {
    await change(sessionId, (p) => {
      for (const l of p.labs) {
        if (!l.holder) continue;
        delete l.holder;
        p.touch(l);
      }
      p.waiting.splice(0);
    });
  }

  const servedNote = (served: string[]) => (served.length ? ` From the waiting list: ${served.join(', ')}.` : '');

  return {
    enabled: box.enabled,
    session,
    staffOf,
    runBy,
    pool: (sessionId: string) => repo.pool(sessionId),
    waiting: (sessionId: string) => repo.waiting(sessionId),
    hasLabs: (sessionId: string) => repo.size(sessionId) > 0,

    /** The lab a participant holds now (none once the session has ended). */
    labOf(sessionId: string, userId: string): DeepReadonly<Lab> | undefined {
      if (sessions.find(sessionId)?.phase === 'ended') return undefined;
      return repo.heldBy(sessionId, userId);
    },
    /** The same for a session the caller knows is live (the step pages), read without copies. */
    heldBy: (sessionId: string, userId: string) => repo.heldBy(sessionId, userId),
    placeInLine: (sessionId: string, userId: string) => repo.placeInLine(sessionId, userId),
    /** The password or private key, for the holder and the session's hosts only (callers check who asks). */
    secretOf: (l: Pick<Lab, 'sessionId' | 'id' | 'secret'>) => box.open(l.secret, sealedFor(l)),

    /** Loads labs into the pool; the first load puts everyone already in the room in line for one. */
    async add(sessionId: string, user: SessionUser, inputs: LabInput[]): Promise<string> {
      const s = runBy(sessionId, user);
      if (!box.enabled) throw conflict('Labs are off on this server: an admin sets LAB_SECRET to turn them on.');
      if (s.phase === 'ended') throw conflict('This session has ended.');
      return change(sessionId, (p) => {
        if (p.labs.length + inputs.length > LAB_LIMITS.pool) throw invalid('Some fields need attention.', { form: `A pool holds at most ${LAB_LIMITS.pool} labs; this one has ${p.labs.length}.` });
        const names = new Set(p.labs.map((l) => l.name.toLowerCase()));
        for (const i of inputs) {
          if (names.has(i.name.toLowerCase())) throw invalid('Some fields need attention.', { name: `There is already a lab named ${i.name} in this pool.` });
          names.add(i.name.toLowerCase());
        }
        const first = p.labs.length === 0;
        for (const i of inputs) {
          const id = randomUUID();
          const lab: Lab = {
            sessionId,
            id,
            name: i.name,
            host: i.host,
            port: i.port,
            username: i.username,
            auth: i.privateKey ? 'key' : 'password',
            secret: box.seal(i.privateKey ?? i.password!, sealedFor({ sessionId, id })),
            ...(i.consoleUrl ? { consoleUrl: i.consoleUrl } : {}),
            ...(i.notes ? { notes: i.notes } : {}),
            ...(i.hostKey ? { hostKey: i.hostKey } : {}),
            broken: false,
            createdAt: now(),
          };
          p.labs.push(lab);
          p.touch(lab);
        }
        if (first) for (const x of sessions.participants(sessionId)) p.wait({ sessionId, userId: x.userId, username: x.username, since: x.joinedAt });
        const served = p.fill();
        return `Loaded ${inputs.length} lab${inputs.length === 1 ? '' : 's'}.${servedNote(served)}`;
      });
    },

    /** A new participant gets a free lab, or a place on the waiting list; a session without labs says nothing. */
    async joined(e: { sessionId: string; userId: string; username: string }): Promise<string | undefined> {
      if (repo.size(e.sessionId) === 0) return undefined;
      return change(e.sessionId, (p) => {
        const held = p.heldBy(e.userId);
        if (held) return `Your lab is ${held.name}.`;
        const free = p.free();
        if (free) {
          p.give(free, e);
          return `Your lab is ${free.name}: its address and login are at the top of every step of the workshop.`;
        }
        p.wait({ sessionId: e.sessionId, userId: e.userId, username: e.username, since: now() });
        const place = p.waiting.findIndex((w) => w.userId === e.userId) + 1;
        return `Every lab of this session is in use: you are number ${place} on the waiting list, and your hosts can see it. The workshop's step pages show your lab as soon as one is free.`;
      });
    },

    /** Gives a participant a lab by hand (a lab they held before is freed, and goes to the waiting list). */
    async assign(sessionId: string, user: SessionUser, labId: string, userId: string): Promise<string> {
      runBy(sessionId, user);
      const who = sessions.participants(sessionId).find((x) => x.userId === userId);
      if (!who) throw invalid('Some fields need attention.', { userId: 'Choose a participant of this session.' });
      return change(sessionId, (p) => {
        const l = p.lab(labId);
        if (l.broken) throw conflict(`${l.name} is marked broken: mark it working first.`);
        if (l.holder?.userId === userId) return `${who.username} already has ${l.name}.`;
        if (l.holder) throw conflict(`${l.name} is in use by ${l.holder.username}: release it first.`);
        const before = p.heldBy(userId);
        if (before) {
          delete before.holder;
          p.touch(before);
        }
        p.give(l, who);
        const served = p.fill();
        return `${who.username} has ${l.name}${before ? ` (instead of ${before.name})` : ''}.${servedNote(served)}`;
      });
    },

    async release(sessionId: string, user: SessionUser, labId: string): Promise<string> {
      runBy(sessionId, user);
      return change(sessionId, (p) => {
        const l = p.lab(labId);
        if (!l.holder) return `${l.name} is free.`;
        const was = l.holder.username;
        delete l.holder;
        p.touch(l);
        const served = p.fill();
        return `${was} no longer has ${l.name}.${servedNote(served)}`;
      });
    },

    /** A participant who is done gives their lab back (it goes to the next one waiting). */
    async giveBack(sessionId: string, user: SessionUser): Promise<string> {
      session(sessionId);
      return change(sessionId, (p) => {
        p.unwait(user.id);
        const l = p.heldBy(user.id);
        if (l) {
          delete l.holder;
          p.touch(l);
        }
        p.fill();
        return l ? `You gave ${l.name} back. Thank you!` : 'You hold no lab in this session.';
      });
    },

    /** Out of service: its holder moves to a free lab, or to the head of the waiting list. Back in service: it serves the queue. */
    async setBroken(sessionId: string, user: SessionUser, labId: string, broken: boolean): Promise<string> {
      runBy(sessionId, user);
      return change(sessionId, (p) => {
        const l = p.lab(labId);
        if (l.broken === broken) return `${l.name} is already marked ${broken ? 'broken' : 'working'}.`;
        l.broken = broken;
        p.touch(l);
        const moved = broken ? p.swapOut(l) : undefined;
        const served = p.fill();
        return `${l.name} is marked ${broken ? 'broken' : 'working'}.${moved ? ` ${moved}` : ''}${servedNote(served)}`;
      });
    },

    /** After a lab was rebuilt: the next connection pins the key it shows. */
    async forgetHostKey(sessionId: string, user: SessionUser, labId: string): Promise<string> {
      runBy(sessionId, user);
      return change(sessionId, (p) => {
        const l = p.lab(labId);
        delete l.hostKey;
        p.touch(l);
        return `Onramp forgot the host key of ${l.name}; the next connection pins the key it shows.`;
      });
    },

    async remove(sessionId: string, user: SessionUser, labId: string): Promise<string> {
      runBy(sessionId, user);
      return change(sessionId, (p) => {
        const l = p.lab(labId);
        const moved = p.swapOut(l);
        p.remove(l);
        const served = p.fill();
        return `${l.name} is removed from the pool.${moved ? ` ${moved}` : ''}${servedNote(served)}`;
      });
    },

    /** Removes every lab and the waiting list: nothing of the pool stays stored. */
    async removeAll(sessionId: string, user: SessionUser): Promise<string> {
      runBy(sessionId, user);
      return change(sessionId, (p) => {
        const n = p.labs.length;
        for (const l of [...p.labs]) p.remove(l);
        p.waiting.splice(0);
        return `Removed ${n} lab${n === 1 ? '' : 's'} and the waiting list.`;
      });
    },

    endSession,

    /** Sessions that ended by the clock (no host pressed "End") give their labs back too. */
    async sweep(): Promise<void> {
      // Several instances on one database (PostgreSQL): one sweeps, the others skip this round.
      await repo.exclusively('sweep', async () => {
        for (const id of repo.sessionsWithLabs()) {
          if (sessions.find(id)?.phase !== 'ended') continue;
          if (repo.pool(id).some((l) => l.holder) || repo.waiting(id).length) await endSession(id);
        }
      });
    },

    /** Pins the host key a lab showed on its first good connection, and keeps what the connection showed. */
    async recordCheck(sessionId: string, labId: string, seen: { hostKey?: string; ok: boolean; message: string; step?: string; passed?: boolean }): Promise<void> {
      await repo.write(() => {
        const l = repo.lab(sessionId, labId);
        if (!l) return undefined;
        if (seen.ok && seen.hostKey && !l.hostKey) l.hostKey = seen.hostKey;
        l.lastCheck = { at: now(), ok: seen.ok, message: seen.message, ...(seen.step ? { step: seen.step } : {}), ...(seen.passed !== undefined ? { passed: seen.passed } : {}) };
        return { labs: [l] };
      });
    },
  };
}

export type LabsService = ReturnType<typeof createLabsService>;
