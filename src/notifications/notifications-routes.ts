import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { notFound } from '../lib/errors.ts';
import { fieldErrors, parse } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireUser } from '../lib/web/roles.ts';
import type { NotificationsService } from './notifications-service.ts';

const CsrfOnly = z.strictObject({ _csrf: z.string().optional() });
const EmailForm = z.strictObject({
  email: z.union([z.literal(''), z.string().trim().max(254).pipe(z.email('Write an e-mail address like name@example.org.'))]),
  _csrf: z.string().optional(),
});

/** The header's count of unread notices, for pages a signed-in user opens (one small read). */
export function unreadCount(service: NotificationsService): RequestHandler {
  return (req, res, next) => {
    const user = currentUser(req);
    if (user && (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/')) res.locals.unreadNotices = service.unread(user.id);
    next();
  };
}

/** The user's notices: each opens what it is about and is then read; e-mail too, if they want it. */
export function notificationsRoutes(service: NotificationsService): Router {
  const r = Router();
  r.use('/notifications', requireUser);

  const page = (userId: string, values: { email: string }, errors: Record<string, string> = {}) => ({
    title: 'Notifications',
    notices: service.list(userId),
    values,
    errors,
    mailOn: service.mailOn,
  });

  r.get('/notifications', (req, res) => {
    const me = currentUser(req)!.id;
    res.render('notifications/list', page(me, { email: service.email(me) ?? '' }));
  });

  r.post('/notifications/read', async (req, res) => {
    parse(CsrfOnly, req.body, 400);
    await service.readAll(currentUser(req)!.id);
    res.redirect(303, '/notifications');
  });

  r.post('/notifications/:id/open', async (req, res) => {
    parse(CsrfOnly, req.body, 400);
    const url = await service.open(currentUser(req)!.id, String(req.params.id));
    if (!url) throw notFound('There is no such notification.');
    res.redirect(303, url);
  });

  r.post('/notifications/email', async (req, res) => {
    const me = currentUser(req)!.id;
    const parsed = EmailForm.safeParse(req.body);
    if (!parsed.success) {
      const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 300) : '';
      return res.status(422).render('notifications/list', page(me, { email }, fieldErrors(parsed.error)));
    }
    await service.setEmail(me, parsed.data.email || undefined);
    flash(res, parsed.data.email ? `Notifications are e-mailed to ${parsed.data.email} too.` : 'Notifications are no longer e-mailed.');
    res.redirect(303, '/notifications');
  });

  return r;
}
