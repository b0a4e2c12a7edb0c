import type { Request, Response, NextFunction, ErrorRequestHandler } from 'express';
import type { Logger } from './logger.ts';
import { AppError, conflict, notFound, unavailable } from './errors.ts';
import { StoreConflictError, StoreUnavailableError, StoreWriteError } from './store/store-errors.ts';

export const wantsJson = (req: Request) =>
  req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json');

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(notFound('We could not find that page.'));
}

/** Turns anything thrown into a known error; unknown errors are logged with an id and hidden. */
function normalize(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreWriteError) return unavailable();
  if (err instanceof StoreUnavailableError) return unavailable('The database cannot be reached right now; please try again in a moment.');
  // Another instance changed the same record at the same moment, more often than the retries allow.
  if (err instanceof StoreConflictError) return conflict('Someone changed this at the same moment; please try again.');
  const e = err as { status?: number; statusCode?: number; type?: string; code?: string; message?: string };
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.parse.failed') return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
  if (e.type === 'entity.too.large') return new AppError(413, 'too_large', 'The request is too large.');
  if (e.type === 'parameters.too.many') return new AppError(413, 'too_many_fields', 'The form has too many fields.');
  if (e.code === 'csrf_invalid' || e.code === 'EBADCSRFTOKEN') return new AppError(403, 'csrf_invalid', e.message ?? 'Invalid CSRF token.');
  if (err instanceof URIError) return new AppError(400, 'bad_request', 'The address is not valid.');
  if (status && status >= 400 && status < 500) return new AppError(status, 'bad_request', 'The request could not be understood.');
  return new AppError(500, 'internal_error', 'Something went wrong on our side.');
}

/**
 * The last middleware. It answers every error the same way, wherever it was raised: before the
 * request was authenticated (a forged CSRF token, a token in the address, a 413) the page's locals
 * are not set yet, so `pageLocals` sets them here. No stack trace or file path ever reaches a client;
 * if even the error page fails to render, a plain sentence is sent.
 */
export function errorHandler(logger: Logger, pageLocals: (req: Request, res: Response) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = normalize(err);
    // The request id (also in the X-Request-Id header and the page) finds this line in the logs.
    if (appErr.status >= 500) logger.error({ reqId: req.id, err: err instanceof Error ? err : new Error(String(err)) }, 'request failed');
    if (res.headersSent) return void res.end();
    res.status(appErr.status);
    if (appErr.status === 429 || appErr.status === 503) res.set('Retry-After', appErr.status === 429 ? '60' : '5');
    // A terminal that asked for text (`curl -H "Accept: text/plain"`) gets the message as a line of text.
    if (req.path.startsWith('/api/') && req.accepts(['application/json', 'text/plain']) === 'text/plain') {
      const tip = appErr.status === 413 ? '\nOnly the end of an output is checked: put `| tail -c 16000` before `| curl`.' : '';
      res.type('text/plain; charset=utf-8').send(`${appErr.status === 429 ? 'SLOW DOWN' : 'ERROR'}  ${appErr.message}${tip}\n`);
      return;
    }
    if (wantsJson(req)) {
      res.json({ error: { code: appErr.code, message: appErr.message, ...(appErr.details ? { details: appErr.details } : {}), ...(appErr.status >= 500 ? { requestId: req.id } : {}) } });
      return;
    }
    try {
      if (res.locals.path === undefined) pageLocals(req, res);
    } catch {
      res.locals.path = req.path;
    }
    res.render('errors/error', { title: titleFor(appErr.status), error: { status: appErr.status, message: appErr.message, reference: req.id } }, (renderErr: unknown, html?: string) => {
      if (renderErr) {
        logger.error({ reqId: req.id, err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(`${titleFor(appErr.status)}. ${appErr.message}`);
        return;
      }
      res.send(html);
    });
  };
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 401) return 'Please sign in';
  if (status === 429) return 'Slow down';
  if (status >= 500) return 'Something went wrong';
  return 'That did not work';
}
