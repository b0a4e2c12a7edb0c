import type { LiveSession, SessionStatus } from './sessions-types.ts';

const MINUTE = 60_000;
/** A session counts as live from a quarter of an hour before its start (people arrive early)... */
export const LIVE_EARLY_MS = 15 * MINUTE;
/** ...until an hour after its planned end, unless a host ends it sooner. */
export const OVERRUN_MS = 60 * MINUTE;

export const endsAt = (s: Pick<LiveSession, 'startsAt' | 'durationMinutes'>) =>
  new Date(Date.parse(s.startsAt) + s.durationMinutes * MINUTE).toISOString();

/** The phase a session is in now: the hosts' status, corrected by the clock. */
export function phaseOf(s: LiveSession, now = Date.now()): SessionStatus {
  if (s.status === 'ended') return 'ended';
  const start = Date.parse(s.startsAt);
  if (now > start + s.durationMinutes * MINUTE + OVERRUN_MS) return 'ended';
  if (s.status === 'live' || now >= start - LIVE_EARLY_MS) return 'live';
  return 'scheduled';
}

const OFFSET_RE = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/;

/** "UTC", an offset like "+05:30", or an IANA name like "Europe/Berlin". */
export function isTimeZone(tz: string): boolean {
  if (tz === 'UTC' || OFFSET_RE.test(tz)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Offset of `tz` from UTC at the instant `t`, in ms. */
function offsetAt(t: number, tz: string): number {
  if (tz === 'UTC') return 0;
  const m = OFFSET_RE.exec(tz);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * MINUTE;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock date and time in a zone. Weekly series are computed from the wall
 * clock, so office hours stay at 16:00 local time across a daylight-saving change.
 */
export function zonedToUtc(date: string, time: string, tz: string, addDays = 0): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d + addDays, h, mi);
  const first = wall - offsetAt(wall, tz);
  const second = wall - offsetAt(first, tz);
  return new Date(second);
}

/** Start instants of a weekly series beginning at `start` (an instant) in zone `tz`. */
export function weeklyStarts(start: Date, count: number, tz = 'UTC'): Date[] {
  const shifted = new Date(start.getTime() + offsetAt(start.getTime(), tz));
  const date = shifted.toISOString().slice(0, 10);
  const time = shifted.toISOString().slice(11, 16);
  const out = [start];
  for (let i = 1; i < count; i++) out.push(zonedToUtc(date, time, tz, 7 * i));
  return out;
}

/** Unambiguous UTC text for pages without JavaScript: "2026-12-01 14:00 UTC". */
export const utcText = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
