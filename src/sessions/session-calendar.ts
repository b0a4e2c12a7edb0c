import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { singleLine } from '../lib/validate.ts';
import { endsAt } from './session-time.ts';
import type { LiveSession } from './sessions-types.ts';

/**
 * An .ics file for one session, in UTC (every calendar converts it to its owner's zone). The join
 * code is not in it: the file is public like the session page, the code is for those invited.
 *
 * In .ics a line is a property, and ical-generator writes the calendar name as it is: every text that
 * people typed goes through singleLine, so a title with CR/LF cannot add an ATTENDEE or an alarm.
 */
export function sessionCalendar(s: LiveSession, workshopTitle: string, baseUrl: string, hostNames: string[]): string {
  const host = new URL(baseUrl).hostname;
  const title = singleLine(s.title);
  const calendar = ical({ name: `Onramp: ${title}`, prodId: { company: 'StarlingX Onramp', product: 'live-sessions' } });
  calendar.method(ICalCalendarMethod.PUBLISH);
  const url = `${baseUrl}/sessions/${s.id}`;
  calendar.createEvent({
    id: `${s.id}@${host}`,
    start: new Date(s.startsAt),
    end: new Date(endsAt(s)),
    stamp: new Date(s.createdAt),
    summary: title,
    description: `Live workshop session: ${singleLine(workshopTitle)}.\nHosted by ${hostNames.map(singleLine).join(', ')}.\nDetails and joining: ${url}`,
    location: url,
    url,
    status: ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
