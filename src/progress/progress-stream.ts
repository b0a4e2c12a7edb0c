import type { ServerResponse } from 'node:http';
import { AppError } from '../lib/errors.ts';
import type { ProgressEvent } from './progress-port.ts';

export interface ProgressStreamOptions {
  heartbeatMs: number;
  /** Streams one account may hold open (a step page open in a few tabs). */
  perUser: number;
  total: number;
}

interface Stream {
  userId: string;
  /** The browser session it was opened with: signing out closes it. */
  sid?: string;
  workshop: string;
  step: string;
  res: ServerResponse;
}

const frame = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * A signed-in learner's own checkpoint verdicts, as Server-Sent Events, for the step page they have
 * open: a verdict sent from a terminal shows in the browser without a reload. A stream carries one
 * step of one learner; nothing of anybody else's ever goes into it. It is not replayed: the first
 * event says which attempt is the latest, so a page that reconnects (or was hidden) can catch up.
 */
export function createProgressStreams(options: ProgressStreamOptions) {
  const byUser = new Map<string, Set<Stream>>();
  let total = 0;
  const heartbeat = setInterval(() => {
    for (const set of byUser.values()) for (const s of set) write(s, ': hb\n\n');
  }, options.heartbeatMs);
  heartbeat.unref();

  function write(s: Stream, text: string) {
    if (!s.res.writableEnded && !s.res.destroyed) s.res.write(text);
  }

  function remove(s: Stream) {
    const set = byUser.get(s.userId);
    if (!set?.delete(s)) return;
    total -= 1;
    if (set.size === 0) byUser.delete(s.userId);
  }

  function drop(s: Stream) {
    remove(s);
    if (!s.res.writableEnded) s.res.end();
  }

  return {
    /** Streams open now. */
    get count() {
      return total;
    },
    /** Opens a stream (429 over a cap, before any header is sent) and says which attempt is the latest. */
    open(sub: Omit<Stream, 'res'>, res: ServerResponse, latest: number) {
      if (total >= options.total) throw new AppError(429, 'too_many_streams', 'The server has too many live connections right now.');
      if ((byUser.get(sub.userId)?.size ?? 0) >= options.perUser) {
        throw new AppError(429, 'too_many_streams', `At most ${options.perUser} live connections per account; close another tab.`);
      }
      if (!res.socket || res.socket.destroyed) return;
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
      res.socket.setNoDelay(true);
      const s: Stream = { ...sub, res };
      let set = byUser.get(sub.userId);
      if (!set) byUser.set(sub.userId, (set = new Set()));
      set.add(s);
      total += 1;
      res.on('close', () => remove(s));
      write(s, `retry: 5000\n\n${frame('latest', { step: sub.step, attempt: latest })}`);
    },

    /** A progress event: a checkpoint verdict goes to its learner's streams on that step. */
    publish(e: ProgressEvent) {
      if (e.kind !== 'checkpoint') return;
      const set = byUser.get(e.learnerId);
      if (!set) return;
      const text = frame('checkpoint', { step: e.step, attempt: e.attempt, passed: e.passed });
      for (const s of set) if (s.workshop === e.workshop && s.step === e.step) write(s, text);
    },

    /** Closes the streams of a user (their access ended) or of one browser session (it signed out). */
    closeFor(who: { userId?: string; sid?: string }) {
      for (const set of [...byUser.values()]) {
        for (const s of [...set]) if ((who.userId && s.userId === who.userId) || (who.sid && s.sid === who.sid)) drop(s);
      }
    },

    stop() {
      clearInterval(heartbeat);
      for (const set of [...byUser.values()]) for (const s of [...set]) drop(s);
    },
  };
}

export type ProgressStreams = ReturnType<typeof createProgressStreams>;
