import { randomUUID } from 'node:crypto';
import type { Log } from '../lib/feature.ts';
import type { Mailer } from './mailer.ts';
import type { Inbox, NotificationsRepository } from './notifications-repository.ts';
import type { NotificationsPort } from './notifications-port.ts';

const KEEP = 50;

export function createNotificationsService(deps: { repo: NotificationsRepository; mailer?: Mailer; baseUrl: string; log: Log }): NotificationsPort & {
  unread(userId: string): number;
  list(userId: string): readonly Readonly<Inbox['notices'][number]>[];
  email(userId: string): string | undefined;
  open(userId: string, id: string): Promise<string | undefined>;
  readAll(userId: string): Promise<void>;
  setEmail(userId: string, email: string | undefined): Promise<void>;
  forget(userId: string): Promise<void>;
  mailOn: boolean;
} {
  const { repo, mailer, baseUrl, log } = deps;

  return {
    mailOn: !!mailer,

    async notify(userId, notice) {
      try {
        const fresh = { id: randomUUID(), at: new Date().toISOString(), text: notice.text, url: notice.url, read: false };
        let box!: Inbox;
        await repo.update(userId, (found) => {
          box = found ?? { userId, notices: [] };
          box.notices = [fresh, ...box.notices].slice(0, KEEP);
          return box;
        });
        if (mailer && box.email) {
          const text = `${notice.text}\n\n${notice.details ? `${notice.details}\n\n` : ''}${baseUrl}${notice.url}\n\n-- \nOnramp. You get this because you asked for e-mail at ${baseUrl}/notifications.`;
          // Mail goes out after the answer: a slow or failing server delays or loses only the mail.
          mailer({ to: box.email, subject: `Onramp: ${notice.text}`, text }).catch((err: Error) => log(`notifications: mail to user ${userId} failed: ${err.message}`));
        }
      } catch (err) {
        log(`notifications: could not notify user ${userId}: ${(err as Error).message}`);
      }
    },

    unread: (userId) => repo.peek(userId)?.notices.filter((n) => !n.read).length ?? 0,
    list: (userId) => repo.peek(userId)?.notices ?? [],
    email: (userId) => repo.peek(userId)?.email,

    /** Marks one notice read and answers where it leads (undefined: no such notice). */
    async open(userId, id) {
      let url: string | undefined;
      await repo.update(userId, (box) => {
        const n = box?.notices.find((x) => x.id === id);
        url = n?.url;
        if (!n || n.read) return undefined;
        n.read = true;
        return box;
      });
      return url;
    },

    async readAll(userId) {
      await repo.update(userId, (box) => {
        if (!box || box.notices.every((n) => n.read)) return undefined;
        for (const n of box.notices) n.read = true;
        return box;
      });
    },

    async setEmail(userId, email) {
      await repo.update(userId, (found) => {
        const box = found ?? { userId, notices: [] };
        if (email) box.email = email;
        else delete box.email;
        return box;
      });
    },

    forget: (userId) => repo.remove(userId),
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
