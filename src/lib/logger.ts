import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import { lazy } from './lazy.ts';
import type { NextFunction, Request, Response } from 'express';

export type { Logger };

// Readable lines are for development: loaded only when asked for.
const pretty = lazy<typeof import('pino-pretty')>('pino-pretty');

/**
 * One logger for the process (pino): JSON lines for machines in production, readable lines for people in
 * development. What we log is chosen, never dumped: no headers, no bodies, no query strings (a search's
 * query is a pasted log; a reset link's secret is in its path, so requests are logged by their route).
 */
export function createLogger(options: { level: string; format: 'json' | 'pretty'; destination?: DestinationStream }): Logger {
  const settings = {
    level: options.level,
    base: { pid: process.pid },
    // Belt and braces: were an object with these fields ever logged, they would not be written.
    redact: { paths: ['password', '*.password', 'token', '*.token', 'secret', '*.secret', 'authorization', '*.authorization', 'cookie', '*.cookie'], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (options.destination) return pino(settings, options.destination);
  if (options.format === 'pretty') return pino(settings, pretty()({ sync: true, destination: 2, colorize: !!process.stderr.isTTY, ignore: 'pid', translateTime: 'SYS:HH:MM:ss.l' }));
  return pino(settings, pino.destination({ dest: 2, sync: false }));
}

/** The plain message function features take (`log('…')`): info lines of the logger. */
export const messagesOf = (logger: Logger) => (msg: string) => logger.info(msg);

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: in the X-Request-Id answer header, every log line about it, and its error page. */
    id: string;
    /** The route pattern of a request answered before the router (a visitor's page kept in memory). */
    routePattern?: string;
  }
}

/** Where a request went, without what it carried: the matched route's pattern, or the bare path when none matched. */
export function routeOf(req: Request): string {
  if (req.routePattern) return req.routePattern;
  if (req.route?.path && typeof req.route.path === 'string') return `${req.baseUrl}${req.route.path}`;
  return 'unmatched';
}

/**
 * Gives every request an id (the proxy's X-Request-Id when it sends a sane one, so one id follows a
 * request through nginx and Onramp) and logs one line when the answer is sent: method, route pattern,
 * status, duration. Calls `onDone` with the same facts (the metrics use them).
 */
export function requestLog(logger: Logger, onDone?: (req: Request, res: Response, route: string, seconds: number) => void) {
  // Request lines carry only the fields written below, none of them typed by a person: they skip the
  // redaction pass, which cost five times the rest of the line.
  const lines = logger.child({}, { redact: { paths: [] } });
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    req.id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      onDone?.(req, res, route, seconds);
      if (req.path === '/healthz' || req.path === '/readyz' || req.path === '/metrics') return;
      lines.info({ reqId: req.id, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 }, 'request');
    });
    next();
  };
}
