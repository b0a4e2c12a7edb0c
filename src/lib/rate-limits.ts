import { rateLimit, ipKeyGenerator, type Store as LimitStore } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import { AppError } from './errors.ts';
import { currentUser } from './web/roles.ts';
import type { Config } from '../config.ts';

export function limiter(limit: number, windowMs: number, options: {
  key?: (req: Request) => string;
  skipSuccessfulRequests?: boolean;
  skip?: (req: Request) => boolean;
  message: string;
  /** Counters shared with other instances (PostgreSQL); the limiter's own memory otherwise. */
  store?: LimitStore;
}): RequestHandler {
  if (limit <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs,
    ...(options.store ? { store: options.store } : {}),
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: options.skipSuccessfulRequests ?? false,
    ...(options.skip ? { skip: options.skip } : {}),
    keyGenerator: options.key ?? ((req) => ipKeyGenerator(req.ip ?? 'unknown')),
    handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', options.message)),
  });
}

export const bodyUsername = (req: Request) => {
  const u = (req.body as Record<string, unknown> | undefined)?.username;
  return typeof u === 'string' ? u.normalize('NFKC').toLowerCase().slice(0, 64) : '';
};

/**
 * Rate limits with safe defaults; every number comes from the environment (see README). `shared` gives
 * each limiter counters that all instances share (PostgreSQL); `named` makes further limiters the same way.
 */
export function createRateLimits(config: Config, shared?: (prefix: string) => LimitStore) {
  const { windowMs } = config.rateLimits;
  const loginMessage = 'Too many sign-in attempts. Wait a few minutes and try again.';
  const named = (name: string, limit: number, window: number, options: Parameters<typeof limiter>[2]) =>
    limiter(limit, window, { ...options, store: limit > 0 ? shared?.(name) : undefined });
  return {
    named,
    // Failed attempts only, per address; the per-account limit is the auth feature's (it knows devices).
    loginByIp: named('login-ip', config.rateLimits.login, windowMs, { skipSuccessfulRequests: true, message: loginMessage }),
    loginMessage,
    signup: named('signup', config.rateLimits.signup, windowMs, { message: 'Too many accounts created from here. Try again later.' }),
    submit: named('submit', config.rateLimits.submit, 60 * 60 * 1000, {
      key: (req) => {
        const user = currentUser(req);
        return user ? `user:${user.id}` : ipKeyGenerator(req.ip ?? 'unknown');
      },
      message: 'You have sent a lot in the last hour. Please wait a little before sending more.',
    }),
    // Only wrong codes count: a classroom behind one address joins freely, guessing codes stops fast.
    join: named('join', config.rateLimits.join, windowMs, {
      skipSuccessfulRequests: true,
      message: 'Too many join attempts. Check the code and try again in a few minutes.',
    }),
    // "Did this help?" needs no account, so it is counted per address.
    feedback: named('feedback', config.rateLimits.feedback, 60 * 60 * 1000, { message: 'Thank you: you have sent a lot of feedback in the last hour. Please wait a little.' }),
    api: named('api', config.rateLimits.api, 60_000, { message: 'Too many requests. Slow down.' }),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
