import { Router } from 'express';
import { z } from 'zod';
import type { UsersRepository } from '../auth/users-repository.ts';
import { ROLES } from '../auth/users-repository.ts';
import { currentUser, requireRole } from '../auth/roles.ts';
import { parse } from '../lib/validate.ts';
import { createAdminService } from './admin-service.ts';

const RoleForm = z.strictObject({ role: z.enum(ROLES, 'Choose a role.'), _csrf: z.string().optional() });
const USER_ID = /^[0-9a-f-]{36}$/;
const PAGE = 100;

/** Admin pages: users and their roles. */
export function adminRoutes(users: UsersRepository): Router {
  const admin = createAdminService(users);
  const r = Router();
  r.use('/admin', requireRole('admin'));

  r.get('/admin', (_req, res) => res.redirect('/admin/users'));

  r.get('/admin/users', (req, res) => {
    const me = currentUser(req)!;
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase().slice(0, 64) : '';
    const role = ROLES.find((x) => x === req.query.role);
    const matching = admin.list().filter((u) => (!q || u.usernameKey.includes(q)) && (!role || u.role === role));
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
    const id = USER_ID.test(String(req.params.id)) ? String(req.params.id) : '';
    const { role } = parse(RoleForm, req.body, 400);
    const updated = await admin.setRole(currentUser(req)!, id, role);
    req.session.flash = `${updated.username} is now ${role === 'admin' ? 'an' : 'a'} ${role}. Their other sessions were signed out.`;
    res.redirect(303, '/admin/users');
  });

  return r;
}
