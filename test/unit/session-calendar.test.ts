import { describe, it, expect } from 'vitest';
import { sessionCalendar } from '../../src/sessions/session-calendar.ts';
import type { LiveSession } from '../../src/sessions/sessions-types.ts';

const session = (title: string) =>
  ({ id: 's1', code: 'ABC123', workshop: 'aio-simplex-virtual', title, startsAt: '2026-12-01T10:00:00.000Z', durationMinutes: 60, capacity: 20, hosts: ['u1'], helpers: [], status: 'scheduled', announcements: [], questions: [], createdAt: '2026-11-01T10:00:00.000Z', createdBy: 'u1' }) as LiveSession;

/** The properties of an .ics file, with folded lines joined. */
const properties = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);

describe('.ics calendar of a session', () => {
  it('when a title carries CR/LF and a property after it, then the calendar has one SUMMARY and one name, and nothing is injected', () => {
    const hostile = 'Install day\r\nATTENDEE;CN=Evil:mailto:evil@example.org\r\nBEGIN:VALARM\nX-INJECTED:1\u2028X-LS:1\u0085X-NEL:1';
    const ics = sessionCalendar(session(hostile), 'AIO-SX\r\nX-WORKSHOP:1', 'https://onramp.example', ['ada\nX-HOST:1']);
    const props = properties(ics);
    expect(props.filter((p) => p.startsWith('SUMMARY'))).toEqual(['SUMMARY:Install day ATTENDEE\\;CN=Evil:mailto:evil@example.org BEGIN:VALARM X-INJECTED:1 X-LS:1 X-NEL:1']);
    expect(props.filter((p) => /^(?:X-WR-CALNAME|NAME)[:;]/.test(p))).toHaveLength(2);
    for (const injected of ['ATTENDEE', 'BEGIN:VALARM', 'X-INJECTED', 'X-LS', 'X-NEL', 'X-WORKSHOP', 'X-HOST']) expect(props.some((p) => p.startsWith(injected))).toBe(false);
    expect(props.filter((p) => p.startsWith('BEGIN:'))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
  });

  it('when a title is ordinary, then it is the summary and the calendar name as written', () => {
    const props = properties(sessionCalendar(session('Install AIO-SX, together'), 'AIO-SX', 'https://onramp.example', ['ada']));
    expect(props).toContain('SUMMARY:Install AIO-SX\\, together');
    expect(props.find((p) => p.startsWith('X-WR-CALNAME:'))).toMatch(/^X-WR-CALNAME:Onramp: Install AIO-SX\\?, together$/);
  });

  it('when those in the session download it, then it carries the join link and code, the video call and the description; the public file has neither', () => {
    const s = { ...session('Install night'), code: 'ABCD2345', callUrl: 'https://meet.example.org/onramp-night', description: 'Bring a laptop with 32 GB.\nWe start with the networks.' } as LiveSession;
    const inside = properties(sessionCalendar(s, 'AIO-SX', 'https://onramp.example', ['ada'], true));
    const description = inside.find((p) => p.startsWith('DESCRIPTION:'))!;
    expect(description).toContain('Join: https://onramp.example/join/ABCD2345\\nJoin code: ABCD-2345\\nVideo call: https://meet.example.org/onramp-night');
    expect(description).toContain('Bring a laptop with 32 GB.\\nWe start with the networks.');
    expect(inside).toContain('LOCATION:https://meet.example.org/onramp-night');
    expect(inside).toContain('URL;VALUE=URI:https://onramp.example/join/ABCD2345');
    const outside = sessionCalendar(s, 'AIO-SX', 'https://onramp.example', ['ada']);
    expect(outside).not.toContain('ABCD');
    expect(outside).not.toContain('meet.example.org');
  });
});
