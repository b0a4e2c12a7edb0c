import http from 'node:http';
import https from 'node:https';

export interface SseEvent { id?: string; event: string; data: string }

/**
 * A small raw SSE reader over node:http, so the test sees the bytes the server writes. For an https
 * base (a proxy in front), `ca` is the certificate to trust.
 */
export function openSse(base: string, path: string, headers: Record<string, string>, ca?: string) {
  return new Promise<{
    status: number;
    events: SseEvent[];
    comments: string[];
    ended: Promise<void>;
    next: (pred: (e: SseEvent) => boolean, ms?: number) => Promise<SseEvent>;
    close: () => void;
  }>((resolve, reject) => {
    const get = base.startsWith('https:') ? https.get : http.get;
    const req = get(`${base}${path}`, { headers: { accept: 'text/event-stream', ...headers }, ...(ca ? { ca } : {}) }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters: { pred: (e: SseEvent) => boolean; done: (e: SseEvent) => void }[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const e: SseEvent = { event: 'message', data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) { e.event = line.slice(7); isEvent = true; }
            else if (line.startsWith('data: ')) { e.data += line.slice(6); isEvent = true; }
          }
          if (!isEvent) continue;
          events.push(e);
          for (const w of [...waiters]) if (w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.done(e); }
        }
      });
      const ended = new Promise<void>((r) => { res.on('end', r); res.on('close', r); });
      resolve({
        status: res.statusCode!,
        events,
        comments,
        ended,
        next: (pred, ms = 2000) => {
          const found = events.find(pred);
          if (found) return Promise.resolve(found);
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events)}`)), ms);
            waiters.push({ pred, done: (e) => { clearTimeout(timer); done(e); } });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

export type SseStream = Awaited<ReturnType<typeof openSse>>;
