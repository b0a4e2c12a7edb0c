import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { endsAt } from './session-time.ts';
import type { LiveSession } from './sessions-types.ts';

/**
 * An .ics file for one session, in UTC (every calendar converts it to its owner's zone). The join
 * code is not in it: the file is public like the session page, the code is for those invited.
 */
export function sessionCalendar(s: LiveSession, workshopTitle: string, baseUrl: string, hostNames: string[]): string {
  const host = new URL(baseUrl).hostname;
  const calendar = ical({ name: `Onramp: ${s.title}`, prodId: { company: 'StarlingX Onramp', product: 'live-sessions' } });
  calendar.method(ICalCalendarMethod.PUBLISH);
  const url = `${baseUrl}/sessions/${s.id}`;
  calendar.createEvent({
    id: `${s.id}@${host}`,
    start: new Date(s.startsAt),
    end: new Date(endsAt(s)),
    stamp: new Date(s.createdAt),
    summary: s.title,
    description: `Live workshop session: ${workshopTitle}.\nHosted by ${hostNames.join(', ')}.\nDetails and joining: ${url}`,
    location: url,
    url,
    status: ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
