import type { Request, Response, NextFunction } from 'express';
import type { CookieJar } from './cookies.ts';

const SETTER = Symbol('flash');

/**
 * A message for the next page ("Session scheduled."), kept in a short-lived signed cookie: it needs
 * no server session, so visitors get theirs too.
 */
export function flashMessages(jar: CookieJar) {
  return (req: Request, res: Response, next: NextFunction) => {
    const shown = jar.readSigned(req, 'flash');
    if (shown !== undefined) {
      res.locals.flash = shown;
      jar.clear(res, 'flash');
    }
    (res.locals as Record<symbol, unknown>)[SETTER] = (message: string) => jar.setSigned(res, 'flash', message.slice(0, 600), { maxAgeSeconds: 300 });
    next();
  };
}

/** Shows `message` on the next page this browser loads. */
export function flash(res: Response, message: string): void {
  const set = (res.locals as Record<symbol, ((m: string) => void) | undefined>)[SETTER];
  if (!set) throw new Error('flash() was called before the flash middleware ran');
  set(message);
}
