import { Router } from 'express';
import type { AccountsAdminPort } from '../auth/auth-port.ts';
import type { Feature } from '../lib/feature.ts';
import { readMetrics } from '../lib/metrics.ts';
import { requireRole } from '../lib/web/roles.ts';
import { adminRoutes } from './admin-routes.ts';

/** User and role administration, and the operators' metrics (admins only). */
export function adminFeature(deps: { accounts: AccountsAdminPort; storeMetrics: () => Record<string, unknown>; baseUrl: string }): Feature {
  const api = Router();
  api.get('/admin/metrics', requireRole('admin'), (req, res) => {
    res.json({ ...readMetrics(req.query.reset === '1'), ...deps.storeMetrics() });
  });
  return { pages: { segments: ['admin'], router: adminRoutes(deps) }, api: { segments: ['admin'], router: api } };
}
