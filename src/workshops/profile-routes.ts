import { Router } from 'express';
import { z } from 'zod';
import { toProfile } from '../content/profile.ts';
import { parse, safeLocalPath } from '../lib/validate.ts';
import type { CookieJar } from '../lib/web/cookies.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser } from '../lib/web/roles.ts';

const ProfileForm = z.strictObject({
  deployment: z.string().max(40).optional(),
  platform: z.string().max(40).optional(),
  next: z.string().max(512).optional(),
  _csrf: z.string().optional(),
});

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * "What are you installing?": said once, it picks the variant blocks of every page, the catalog and
 * FAQ filters and the "I'm stuck" suggestions. Kept with the account, or in a cookie for a visitor.
 */
export function profileRoutes(deps: { jar: CookieJar; saveProfile: (userId: string, p: ReturnType<typeof toProfile>) => Promise<void> }): Router {
  const r = Router();
  r.post('/profile', async (req, res) => {
    const body = parse(ProfileForm, req.body, 400);
    const profile = toProfile(body);
    const user = currentUser(req);
    if (user) await deps.saveProfile(user.id, profile);
    else if (profile.deployment || profile.platform) deps.jar.set(res, 'profile', new URLSearchParams(profile as Record<string, string>).toString(), { maxAgeSeconds: YEAR_SECONDS });
    else deps.jar.clear(res, 'profile');
    flash(res, profile.deployment || profile.platform ? 'Pages now show the instructions for your setup.' : 'Pages now show the instructions for every setup.');
    res.redirect(303, safeLocalPath(body.next, '/'));
  });
  return r;
}
