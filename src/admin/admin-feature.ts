import { Router } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import type { UsersRepository } from '../auth/users-repository.ts';
import type { Feature } from '../lib/feature.ts';
import { readMetrics } from '../lib/metrics.ts';
import type { Store } from '../lib/store/store.ts';
import { requireRole } from '../lib/web/roles.ts';
import { adminRoutes } from './admin-routes.ts';

/** User and role administration, and the operators' metrics (admins only). */
export function adminFeature(deps: { users: UsersRepository; auth: AuthService; store: Store; baseUrl: string }): Feature {
  const api = Router();
  api.get('/admin/metrics', requireRole('admin'), (req, res) => {
    const { store } = deps;
    res.json({
      ...readMetrics(req.query.reset === '1'),
      store: { ...store.stats },
      counts: { users: store.count('users'), progress: store.count('progress'), sessions: store.count('sessions') },
    });
  });
  return { pages: adminRoutes(deps), api };
}
