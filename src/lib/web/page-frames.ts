import type { Request, Response } from 'express';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { GAP_MARK, type ViewEngine } from '../views.ts';
import { stillCurrent } from './kept.ts';

/**
 * Busy pages (a step page, read by every learner of a workshop) rendered in two layers: the frame, what
 * every reader of the same address and deployment profile sees (the page's head, the step's text, its
 * sources, the pager, the foot), rendered once and kept as bytes; and the page's personal parts (the
 * menu with the reader's name, their progress, the forms with what they typed: `personal(…)` in the
 * view), rendered for each reader into the frame's gaps.
 *
 * A frame is rendered from `shared` data only: a view that read something personal outside a
 * `personal(…)` part would fail to render (the name is not declared), so one reader's data cannot end
 * up in another's page. The form token is the reader's own (a gap of its own). A frame is kept as long as
 * a visitor's page is (`stillCurrent`). With `check` (the test environment), every page is also rendered whole and must be the same
 * bytes, so a view whose frame and whole page disagree fails the tests that read it.
 */
export interface PageFrames {
  render(
    req: Request,
    res: Response,
    view: string,
    page: { key: string; shared: Record<string, unknown>; data: Record<string, unknown>; state: () => readonly unknown[] },
  ): void;
  readonly stats: { hits: number; misses: number };
}

interface Frame {
  /** The frame's bytes between its gaps. */
  pieces: Buffer[];
  /** What goes in gap i: personal part `gaps[i]`, or the form token (-1). */
  gaps: number[];
  /** The pieces' bytes together. */
  size: number;
  seen: readonly unknown[];
  at: number;
}

/** Where the form token goes in a frame: letters only, so escaping leaves it as it is. */
const TOKEN = 'tokenholed4b8e2a6f1';
const GAPS = new RegExp(`${GAP_MARK}(\\d+)x|${TOKEN}`, 'g');

export function createPageFrames(deps: { engine: ViewEngine; views: string; check?: boolean; maxEntries?: number; maxAgeMs?: number; now?: () => number }): PageFrames {
  const { engine } = deps;
  const maxAgeMs = deps.maxAgeMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const frames = new LRUCache<string, Frame>({ max: deps.maxEntries ?? 500 });
  const stats = { hits: 0, misses: 0 };

  function build(file: string, shared: Record<string, unknown>, seen: readonly unknown[]): Frame {
    const html = engine.frame(file, { ...shared, csrfToken: () => TOKEN });
    const pieces: Buffer[] = [];
    const gaps: number[] = [];
    let at = 0;
    for (const m of html.matchAll(GAPS)) {
      pieces.push(Buffer.from(html.slice(at, m.index)));
      gaps.push(m[1] === undefined ? -1 : Number(m[1]));
      at = m.index + m[0].length;
    }
    pieces.push(Buffer.from(html.slice(at)));
    return { pieces, gaps, size: pieces.reduce((n, p) => n + p.length, 0), seen, at: now() };
  }

  return {
    stats,
    render(req, res, view, page) {
      const file = join(deps.views, `${view}.ejs`);
      let body: Buffer;
      try {
        const key = `${view}\u0000${page.key}`;
        const state = page.state();
        let frame = frames.get(key);
        if (frame && stillCurrent(frame, state, now(), maxAgeMs)) stats.hits += 1;
        else {
          stats.misses += 1;
          frames.set(key, (frame = build(file, page.shared, state)));
        }
        // The reader's parts, then the page in one buffer of the right size: each part is encoded once, in place.
        const part = engine.parts(file, res.locals, page.data);
        const texts: string[] = [];
        let size = frame.size;
        for (const gap of frame.gaps) {
          const text = gap < 0 ? (res.locals.csrfToken as () => string)() : part(gap);
          texts.push(text);
          size += Buffer.byteLength(text);
        }
        body = Buffer.allocUnsafe(size);
        let at = frame.pieces[0]!.copy(body, 0);
        for (let i = 0; i < texts.length; i++) {
          at += body.write(texts[i]!, at);
          at += frame.pieces[i + 1]!.copy(body, at);
        }
        if (deps.check) {
          let whole = '';
          engine(file, { ...res.locals, ...page.data }, (err, html) => {
            if (err) throw err;
            whole = html!;
          });
          const framed = body.toString();
          if (framed !== whole) {
            let i = 0;
            while (framed[i] === whole[i]) i++;
            throw new Error(`${view}: the page rendered from its frame differs from the whole page at character ${i}:\n  frame: ${JSON.stringify(framed.slice(i - 40, i + 80))}\n  whole: ${JSON.stringify(whole.slice(i - 40, i + 80))}`);
          }
        }
      } catch (err) {
        return req.next!(err);
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Length', body.length);
      res.end(body);
    },
  };
}
