import type { Services } from '../app.ts';
import type { Feature } from '../lib/feature.ts';
import { adminRoutes } from './admin-routes.ts';

/** User and role administration (admins only; nobody changes their own role). */
export function adminFeature(services: Services): Feature {
  return { router: adminRoutes(services.users) };
}
