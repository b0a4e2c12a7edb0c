import type { ServerResponse } from 'node:http';
import { AppError } from '../lib/errors.ts';
import type { LiveEvent } from './sessions-types.ts';

export interface StreamOptions {
  heartbeatMs: number;
  /** How often every stream's user is checked again (logout, demotion), besides on each broadcast. */
  recheckMs: number;
  perUser: number;
  total: number;
  /** A client that does not read is cut off past this many buffered bytes; it reconnects and catches up. */
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  heartbeatMs: 15_000,
  recheckMs: 5_000,
  perUser: 3,
  total: 5_000,
  maxBufferedBytes: 1 << 20,
};

export interface Subscriber {
  sessionId: string;
  userId: string;
  /** Staff streams carry every event; participant streams only those meant for everybody. */
  kind: 'staff' | 'participant';
  /** Still allowed to listen? Asked on every broadcast (staff) and on a timer (everyone). */
  stillAllowed: () => boolean;
  /** The browser session the stream was opened with: its sign-out closes the stream at once. */
  sid?: string;
}

interface Stream extends Subscriber {
  res: ServerResponse;
  lastSeq: number;
}

const frame = (e: { seq?: number; type: string; data: unknown }) =>
  `${e.seq !== undefined ? `id: ${e.seq}\n` : ''}event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;

/**
 * Open Server-Sent-Event streams, by session. It owns no session state: the service decides what to
 * send; this module writes frames, enforces the caps, sends heartbeats and drops streams whose user
 * may no longer listen.
 */
export function createLiveBroker(initial: Partial<StreamOptions> = {}) {
  const options: StreamOptions = { ...DEFAULT_STREAM_OPTIONS, ...initial };
  const bySession = new Map<string, Set<Stream>>();
  const perUser = new Map<string, number>();
  let total = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;

  function each(fn: (s: Stream) => void) {
    for (const set of bySession.values()) for (const s of [...set]) fn(s);
  }

  function startTimers() {
    stopTimers();
    heartbeat = setInterval(() => each((s) => send(s, ': hb\n\n')), options.heartbeatMs).unref();
    recheck = setInterval(() => each((s) => void (s.stillAllowed() || drop(s))), options.recheckMs).unref();
  }
  function stopTimers() {
    clearInterval(heartbeat);
    clearInterval(recheck);
  }

  function send(s: Stream, text: string) {
    if (s.res.writableEnded || s.res.destroyed) return;
    if (s.res.writableLength > options.maxBufferedBytes) return void drop(s);
    s.res.write(text);
  }

  function remove(s: Stream) {
    const set = bySession.get(s.sessionId);
    if (!set?.delete(s)) return;
    if (set.size === 0) bySession.delete(s.sessionId);
    total -= 1;
    const n = (perUser.get(s.userId) ?? 1) - 1;
    if (n <= 0) perUser.delete(s.userId);
    else perUser.set(s.userId, n);
  }

  function drop(s: Stream) {
    remove(s);
    if (!s.res.writableEnded) s.res.end();
  }

  return {
    configure(next: Partial<StreamOptions>) {
      Object.assign(options, next);
      if (heartbeat) startTimers();
    },
    start: startTimers,

    /** Refuses with 429 over a cap (before any header is sent); otherwise opens the stream and replays. */
    open(sub: Subscriber, res: ServerResponse, replay: LiveEvent[], lastSeq: number, first: { type: string; data: unknown }[] = []) {
      if (total >= options.total) throw new AppError(429, 'too_many_streams', 'The server has too many live connections right now.');
      if ((perUser.get(sub.userId) ?? 0) >= options.perUser) {
        throw new AppError(429, 'too_many_streams', `At most ${options.perUser} live connections per account; close another tab.`);
      }
      // A client that is already gone would never fire 'close' again: do not register it.
      if (!res.socket || res.socket.destroyed) return;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.socket.setNoDelay(true);
      const s: Stream = { ...sub, res, lastSeq };
      let set = bySession.get(sub.sessionId);
      if (!set) bySession.set(sub.sessionId, (set = new Set()));
      set.add(s);
      total += 1;
      perUser.set(sub.userId, (perUser.get(sub.userId) ?? 0) + 1);
      res.on('close', () => remove(s));
      send(s, `retry: 3000\n\n`);
      for (const f of first) send(s, frame(f));
      for (const e of replay) deliver(s, e);
    },

    publish(e: LiveEvent) {
      const texts = new Map<Subscriber['kind'], string>();
      for (const s of [...(bySession.get(e.sessionId) ?? [])]) {
        if (s.kind === 'staff' && !s.stillAllowed()) drop(s);
        else deliver(s, e, texts);
      }
    },

    /** An event that is not kept (no id): aggregates that the next one replaces. */
    publishTransient(sessionId: string, kind: Subscriber['kind'], type: string, data: unknown) {
      const text = frame({ type, data });
      for (const s of bySession.get(sessionId) ?? []) if (s.kind === kind) send(s, text);
    },

    /** Closes, at once, the streams of a user (their access ended) or of one browser session (it signed out). */
    closeFor(who: { userId?: string; sid?: string }) {
      each((s) => void ((who.userId && s.userId === who.userId) || (who.sid && s.sid === who.sid) ? drop(s) : undefined));
    },

    /** Closes every stream of a session (it ended); clients are answered 204 if they come back. */
    closeSession(sessionId: string) {
      for (const s of [...(bySession.get(sessionId) ?? [])]) drop(s);
    },

    /** Closes every stream (the records were reloaded): clients reconnect and are replayed what they missed. */
    closeAll() {
      each(drop);
    },

    countsFor(sessionId: string) {
      let staff = 0;
      let participants = 0;
      for (const s of bySession.get(sessionId) ?? []) if (s.kind === 'staff') staff++; else participants++;
      return { staff, participants };
    },
    totals: () => ({ streams: total, sessions: bySession.size, users: perUser.size }),

    stop() {
      stopTimers();
      heartbeat = undefined;
      each(drop);
    },
  };

  /** Each event is serialized once per kind of stream, not once per stream. */
  function deliver(s: Stream, e: LiveEvent, texts = new Map<Subscriber['kind'], string>()) {
    if (e.seq <= s.lastSeq) return;
    if (e.audience === 'staff' && s.kind !== 'staff') return;
    s.lastSeq = e.seq;
    let text = texts.get(s.kind);
    if (text === undefined) {
      const data = s.kind === 'staff' && e.staffData !== undefined ? e.staffData : e.data;
      texts.set(s.kind, (text = frame({ seq: e.seq, type: e.type, data })));
    }
    send(s, text);
  }
}

export type LiveBroker = ReturnType<typeof createLiveBroker>;
