/** The one error vocabulary: an HTTP status and a stable code that API clients can rely on. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: Record<string, string>) =>
  new AppError(400, 'bad_request', message, details);
export const invalid = (message: string, details?: Record<string, string>) =>
  new AppError(422, 'validation_failed', message, details);
export const unauthorized = (message = 'Sign in first.') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError(403, 'forbidden', message);
export const notFound = (message = 'Not found.') => new AppError(404, 'not_found', message);
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const unavailable = (message = 'The server cannot save changes right now; please try again shortly.') =>
  new AppError(503, 'store_unavailable', message);
