import type { NextFunction, Request, Response } from 'express';
import type { CookieJar } from './cookies.ts';
import type { Csrf } from './csrf.ts';
import { routeOf } from '../logger.ts';
import { stillCurrent } from './kept.ts';

/**
 * Pages that every visitor without cookies sees alike (a step page read by a newcomer or a crawler),
 * rendered once and answered from memory until what they show changes.
 *
 * Only a GET with no query string, no credentials and no cookie but the CSRF one qualifies: such a
 * reader has no account, no profile, no saved progress and no flash message, so the page depends on
 * the address and on shared data alone. Each answer still gets its own CSRF token (and cookie): the
 * page is kept with holes where the token goes. An entry is current while every value its page named
 * (`state`: the loaded content, the FAQ's version…) is the same object or number as when it was
 * rendered, and for `maxAgeMs` at most, so a dependency someone forgets to name is stale only briefly.
 *
 * Hits are answered before the session, flash, body-parsing and router middleware, and before
 * PostgreSQL's freshness check: a visitor without cookies has written nothing to read back.
 */
export interface VisitorPages {
  /** Middleware: answers a qualifying request from memory when its page is kept and current. */
  serve: (req: Request, res: Response, next: NextFunction) => void;
  /** Whether this request's page may be kept and answered from memory. */
  eligible: (req: Request) => boolean;
  /** Renders `view` (with the response's locals) for a qualifying request, keeps it and answers it. */
  render: (req: Request, res: Response, view: string, data: Record<string, unknown>, state: () => readonly unknown[]) => void;
  readonly stats: { hits: number };
}

interface Entry {
  /** The page's bytes, with the token's places. */
  body: Buffer;
  holes: number[];
  state: () => readonly unknown[];
  seen: readonly unknown[];
  at: number;
  route: string;
}

/** Where the token goes while rendering: letters only, so escaping leaves it as it is. */
const HOLE = 'csrfholeb7e1c04f9d2a';

export function createVisitorPages(deps: { csrf: Csrf; jar: CookieJar; maxEntries?: number; maxAgeMs?: number; now?: () => number }): VisitorPages {
  const { csrf, jar } = deps;
  const maxEntries = deps.maxEntries ?? 1000;
  const maxAgeMs = deps.maxAgeMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const csrfCookie = jar.name('csrf');
  const pages = new Map<string, Entry>();
  const stats = { hits: 0 };

  function eligible(req: Request): boolean {
    if (req.method !== 'GET' || req.url.includes('?') || req.headers.authorization !== undefined) return false;
    const header = req.headers.cookie;
    if (header === undefined || header === '') return true;
    for (const name in jar.all(req)) if (name !== csrfCookie) return false;
    return true;
  }

  function answer(req: Request, res: Response, entry: Entry, token = csrf.tokenFor(req, res)): void {
    let body = entry.body;
    if (entry.holes.length) {
      // Tokens are ASCII of one length (csrf-csrf's hex HMAC and random part), so the holes are fixed places in a copy.
      const value = token();
      body = Buffer.from(entry.body);
      for (const at of entry.holes) body.write(value, at, 'latin1');
    }
    req.routePattern = entry.route;
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  }

  return {
    stats,
    eligible,
    serve(req, res, next) {
      if (pages.size === 0 || req.method !== 'GET') return next();
      // Keyed by the whole address (eligible requests have no query), wherever the page's router is mounted.
      const entry = pages.get(req.originalUrl);
      if (!entry || !eligible(req)) return next();
      if (!stillCurrent(entry, entry.state(), now(), maxAgeMs)) {
        pages.delete(req.originalUrl);
        return next();
      }
      stats.hits += 1;
      answer(req, res, entry);
    },
    render(req, res, view, data, state) {
      const seen = state();
      const token = csrf.tokenFor(req, res);
      res.app.render(view, { ...res.locals, ...data, csrfToken: () => HOLE }, (err, html) => {
        if (err) return req.next!(err);
        const parts = html.split(HOLE).map((part) => Buffer.from(part));
        // A page without forms needs no token (nor its cookie).
        const width = parts.length > 1 ? token().length : 0;
        const holes: number[] = [];
        let at = 0;
        for (const part of parts.slice(0, -1)) {
          at += part.length;
          holes.push(at);
          at += width;
        }
        const gap = Buffer.alloc(width);
        const body = Buffer.concat(parts.flatMap((part, i) => (i ? [gap, part] : [part])));
        const entry: Entry = { body, holes, state, seen, at: now(), route: routeOf(req) };
        if (!pages.has(req.originalUrl) && pages.size >= maxEntries) pages.delete(pages.keys().next().value!);
        pages.set(req.originalUrl, entry);
        // The first reader is answered as the others are, with the token already made for this response.
        answer(req, res, entry, token);
      });
    },
  };
}
