import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { singleLine } from '../lib/validate.ts';
import { endsAt } from './session-time.ts';
import { formatCode } from './join-code.ts';
import type { LiveSession } from './sessions-types.ts';

/**
 * An .ics file for one session, in UTC (every calendar converts it to its owner's zone). For those in
 * the session (`inside`: the hosts who send it out, participants) it carries the join link and code
 * and the video call; the public file, like the public session page, has neither.
 *
 * In .ics a line is a property, and ical-generator writes the calendar name as it is: every text that
 * people typed goes through singleLine, so a title with CR/LF cannot add an ATTENDEE or an alarm. The
 * description keeps its line breaks: ical-generator escapes them inside the DESCRIPTION value.
 */
export function sessionCalendar(s: LiveSession, workshopTitle: string, baseUrl: string, hostNames: string[], inside = false): string {
  const host = new URL(baseUrl).hostname;
  const title = singleLine(s.title);
  const calendar = ical({ name: `Onramp: ${title}`, prodId: { company: 'StarlingX Onramp', product: 'live-sessions' } });
  calendar.method(ICalCalendarMethod.PUBLISH);
  const url = `${baseUrl}/sessions/${s.id}`;
  const joining = inside
    ? [`Join: ${baseUrl}/join/${s.code}`, `Join code: ${formatCode(s.code)}`, ...(s.callUrl ? [`Video call: ${s.callUrl}`] : [])]
    : [`Details and joining: ${url}`];
  calendar.createEvent({
    id: `${s.id}@${host}`,
    start: new Date(s.startsAt),
    end: new Date(endsAt(s)),
    stamp: new Date(s.createdAt),
    summary: title,
    description: [
      `Live workshop session: ${singleLine(workshopTitle)}.`,
      `Hosted by ${hostNames.map(singleLine).join(', ')}.`,
      ...(s.description ? ['', s.description, ''] : []),
      ...joining,
      ...(inside ? [`Session page: ${url}`] : []),
    ].join('\n'),
    location: inside && s.callUrl ? s.callUrl : url,
    url: inside ? `${baseUrl}/join/${s.code}` : url,
    status: ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
