import type { RequestHandler } from 'express';
import type { Store } from './store/store-api.ts';

/**
 * Several instances on PostgreSQL, no sticky sessions: a request first waits until this instance has
 * applied every write committed before it arrived, so a learner who saved on one instance sees it on
 * the next page whichever instance serves it. If the database cannot be reached, a read is served
 * from what this instance holds; anything that writes answers 503 (it could not be saved anyway).
 */
export function freshReads(store: Store): RequestHandler {
  return (req, _res, next) => {
    const wait = store.caughtUp();
    if (!wait) return next();
    wait.then(
      () => next(),
      (err) => (req.method === 'GET' || req.method === 'HEAD' ? next() : next(err)),
    );
  };
}
