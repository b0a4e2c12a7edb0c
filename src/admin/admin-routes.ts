import { Router } from 'express';
import { z } from 'zod';
import type { AccountsAdminPort } from '../auth/auth-port.ts';
import { forbidden, notFound } from '../lib/errors.ts';
import { parse } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireRole, ROLES } from '../lib/web/roles.ts';

const RoleForm = z.strictObject({ role: z.enum(ROLES, 'Choose a role.'), _csrf: z.string().optional() });
const USER_ID = /^[0-9a-f-]{36}$/;
const PAGE = 100;

/** Admin pages: users, their roles, and password reset links. Nobody changes their own role. */
export function adminRoutes(deps: { accounts: AccountsAdminPort; baseUrl: string }): Router {
  const { accounts } = deps;
  const r = Router();
  r.use('/admin', requireRole('admin'));

  const target = (id: unknown, actorId: string, what: string) => {
    const user = typeof id === 'string' && USER_ID.test(id) ? accounts.find(id) : undefined;
    if (!user) throw notFound('There is no such user.');
    if (user.id === actorId) throw forbidden(`Nobody can ${what} themselves here; ask another admin, or use your account page.`);
    return user;
  };

  r.get('/admin', (_req, res) => res.redirect('/admin/users'));

  r.get('/admin/users', (req, res) => {
    const me = currentUser(req)!;
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase().slice(0, 64) : '';
    const role = ROLES.find((x) => x === req.query.role);
    const matching = [...accounts.list()]
      .sort((a, b) => a.usernameKey.localeCompare(b.usernameKey))
      .filter((u) => (!q || u.usernameKey.includes(q)) && (!role || u.role === role));
    res.render('admin/users', {
      title: 'Users and roles',
      roles: ROLES,
      q,
      role: role ?? '',
      total: matching.length,
      users: matching.slice(0, PAGE).map((u) => ({ id: u.id, username: u.username, role: u.role, createdAt: u.createdAt, self: u.id === me.id })),
    });
  });

  r.post('/admin/users/:id/role', async (req, res) => {
    const user = target(req.params.id, currentUser(req)!.id, 'change the role of');
    const { role } = parse(RoleForm, req.body, 400);
    await accounts.setRole(user.id, role);
    flash(res, `${user.username} is now ${role === 'admin' ? 'an' : 'a'} ${role}. Their other sessions were signed out.`);
    res.redirect(303, '/admin/users');
  });

  // A link the admin hands over; the admin never learns or chooses the new password.
  r.post('/admin/users/:id/reset-link', async (req, res) => {
    const user = target(req.params.id, currentUser(req)!.id, 'reset the password of');
    const secret = await accounts.createResetLink(currentUser(req)!.id, user.id);
    res.render('admin/reset-link', { title: `Password reset for ${user.username}`, username: user.username, link: `${deps.baseUrl}/reset/${secret}` });
  });

  return r;
}
