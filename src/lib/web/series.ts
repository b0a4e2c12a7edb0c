import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Middleware run one after the other as one: what `app.use(a); app.use(b); …` does for handlers that
 * apply to every path, without the router's work between them (matching each layer's path, saving and
 * restoring the request's URL), which cost a step page some 3 µs per layer. As with Express 5, a
 * handler that throws or whose promise rejects passes the error on, and `next(err)` skips the rest.
 * Only plain handlers: no error handlers (four arguments) and no `next('route')`.
 */
export function series(...handlers: RequestHandler[]): RequestHandler {
  for (const h of handlers) if (h.length > 3) throw new Error(`series: ${h.name || 'a handler'} is an error handler`);
  return (req: Request, res: Response, done: NextFunction) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) {
        if (err === 'route' || err === 'router') return done(new Error(`series: next('${err}') is not supported`));
        return done(err);
      }
      const handler = handlers[i++];
      if (!handler) return done();
      try {
        const ret: unknown = handler(req, res, next);
        if (ret instanceof Promise) ret.then(undefined, (error: unknown) => next(error ?? new Error('Rejected promise')));
      } catch (error) {
        next(error);
      }
    };
    next();
  };
}

/**
 * Routers chosen by the first segment of the path (`me` for /me/progress/…), each declared by the
 * router's owner, tried in the order given; a path no router declared passes on. Entering a Router
 * that has no route for a request is not free: besides matching each of its layers, Express's router
 * leaves through `setImmediate`, so every router before the right one cost a request a turn of the
 * event loop. Segments compare without case, as Express's routes do.
 */
export function bySegment(routers: readonly { segments: readonly string[]; router: RequestHandler }[]): RequestHandler {
  const chains = new Map<string, RequestHandler[]>();
  for (const { segments, router } of routers) {
    const missing = routePaths(router as RouterLike).filter((path) => !segments.some((s) => firstSegment(path) === s.toLowerCase()));
    if (missing.length > 0) throw new Error(`bySegment: routes outside the declared segments (${segments.join(', ')}): ${missing.join(', ')}`);
    for (const segment of segments) {
      const key = segment.toLowerCase();
      chains.set(key, [...(chains.get(key) ?? []), router]);
    }
  }
  const handlers = new Map([...chains].map(([key, list]) => [key, list.length === 1 ? list[0]! : series(...list)]));
  const dispatch: RequestHandler = (req, res, next) => {
    const handler = handlers.get(firstSegment(req.path));
    if (handler) handler(req, res, next);
    else next();
  };
  // Laid out as a router's stack, so what lists an app's routes (the API's token-scope test) still finds them.
  return Object.assign(dispatch, { stack: routers.map(({ router }) => ({ handle: router })) });
}

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

interface RouterLike {
  stack?: { route?: { path: string | string[] }; handle?: RouterLike; rawPath?: unknown }[];
}

/**
 * The paths of a router's routes, nested routers included (under the path they are mounted at), so a
 * route outside its declared segments fails at start-up rather than answering 404.
 */
function routePaths(router: RouterLike): string[] {
  return (router.stack ?? []).flatMap((layer) => {
    if (layer.route) return [layer.route.path].flat();
    if (!layer.handle?.stack) return [];
    const mounts = [layer.rawPath].flat().filter((m): m is string => typeof m === 'string' && m !== '/');
    const inner = routePaths(layer.handle);
    return mounts.length === 0 ? inner : mounts.flatMap((m) => inner.map((p) => `${m}${p}`));
  });
}
