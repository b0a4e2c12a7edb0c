import type { Feature, Log } from '../lib/feature.ts';
import type { Store } from '../lib/store/store.ts';
import { createMailer } from './mailer.ts';
import { createNotificationsRepository } from './notifications-repository.ts';
import { createNotificationsService } from './notifications-service.ts';
import { notificationsRoutes, unreadCount } from './notifications-routes.ts';
import type { NotificationsPort } from './notifications-port.ts';

/**
 * Notices for a user about their work (a review decision on their FAQ entry), in the header until
 * read, and by e-mail when SMTP is configured and they gave an address.
 */
export function notificationsFeature(deps: { store: Store; baseUrl: string; smtpUrl?: string; mailFrom: string; log: Log }): Feature & {
  port: NotificationsPort;
  forget: (userId: string) => Promise<void>;
} {
  const service = createNotificationsService({
    repo: createNotificationsRepository(deps.store),
    mailer: createMailer(deps.smtpUrl, deps.mailFrom),
    baseUrl: deps.baseUrl,
    log: deps.log,
  });
  return {
    pages: { segments: ['notifications'], router: notificationsRoutes(service) },
    before: [unreadCount(service)],
    port: { notify: (userId, notice) => service.notify(userId, notice) },
    forget: (userId) => service.forget(userId),
  };
}
