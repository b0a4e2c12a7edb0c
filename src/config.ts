import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseNetworks, type Network } from './lib/networks.ts';

const int = (def: number) => z.coerce.number().int().min(0).default(def);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'DATABASE_URL must be a postgres:// address').optional(),
  CONTENT_DIR: z.string().default('./workshops'),
  SEED_DIR: z.string().default('./seed'),
  BASE_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  TRUST_PROXY: z.string().default('false'),
  RATE_LIMIT_LOGIN: int(10),
  RATE_LIMIT_SIGNUP: int(5),
  RATE_LIMIT_WINDOW_MINUTES: int(15),
  RATE_LIMIT_SUBMIT: int(20),
  RATE_LIMIT_JOIN: int(20),
  RATE_LIMIT_FEEDBACK: int(30),
  RATE_LIMIT_API: int(0),
  BACKUP_INTERVAL_HOURS: int(6),
  BACKUP_KEEP: int(7),
  SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).default(5000),
  SSE_STREAMS_PER_USER: z.coerce.number().int().min(1).default(3),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  OIDC_LABEL: z.string().min(1).max(40).optional(),
  PASSWORD_LOGIN: z.enum(['on', 'off']).default('on'),
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'SMTP_URL must be an smtp:// or smtps:// address').optional(),
  MAIL_FROM: z.string().max(200).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  METRICS_ALLOW: z.string().default('127.0.0.1,::1'),
  METRICS_TOKEN: z.string().min(24, 'METRICS_TOKEN must be at least 24 characters').optional(),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  LAB_SECRET: z.string().min(32, 'LAB_SECRET must be at least 32 characters').optional(),
  LAB_SECRET_PREVIOUS: z.string().min(32, 'LAB_SECRET_PREVIOUS must be at least 32 characters').optional(),
  LAB_NETWORKS: z.string().max(4000).default(''),
  LAB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(20),
})
  .superRefine((e, ctx) => {
    const oidc = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET, e.OIDC_LABEL];
    if (oidc.some((v) => v !== undefined) && oidc.some((v) => v === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'set all of OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_LABEL, or none' });
    }
    if (e.OIDC_ISSUER && !isSecureOrLoopback(e.OIDC_ISSUER)) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'must be an https:// address (http:// only on this machine: 127.0.0.1, ::1 or localhost)' });
    }
    try {
      if (parseNetworks(e.LAB_NETWORKS).length && !e.LAB_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['LAB_SECRET'], message: 'is required when LAB_NETWORKS is set (lab passwords and keys are encrypted with it)' });
      }
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['LAB_NETWORKS'], message: (err as Error).message });
    }
    if (e.LAB_SECRET_PREVIOUS && !e.LAB_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['LAB_SECRET'], message: 'is required with LAB_SECRET_PREVIOUS (the new key, which the old one is rotated to)' });
    }
    if (e.PASSWORD_LOGIN === 'off' && !e.OIDC_ISSUER) {
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_LOGIN'], message: 'off needs OpenID Connect sign-in (OIDC_ISSUER and the rest), or nobody could sign in' });
    }
  });

/** Tokens and codes travel to the issuer: only over TLS, or to a provider on this machine (tests, local runs). */
function isSecureOrLoopback(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname));
}

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL, for several instances on one database; without it the embedded store in dataDir is used. */
  databaseUrl?: string;
  contentDir: string;
  seedDir: string;
  baseUrl: string;
  sessionSecret: string[];
  secureCookies: boolean;
  trustProxy: string | boolean;
  rateLimits: { login: number; signup: number; submit: number; join: number; feedback: number; api: number; windowMs: number };
  backup: { intervalHours: number; keep: number };
  sse: { heartbeatMs: number; maxStreams: number; perUser: number };
  /** Sign-in with OpenID Connect, when configured. */
  oidc?: { issuer: string; clientId: string; clientSecret: string; label: string };
  /** Whether usernames and passwords sign in (PASSWORD_LOGIN=off leaves only OpenID Connect). */
  passwordLogin: boolean;
  /** Log lines: JSON for machines (production), pretty for people (development). */
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; format: 'json' | 'pretty' };
  /** Who may read /metrics: these addresses (exact, after TRUST_PROXY), or a client sending the token. */
  metrics: { allow: string[]; token?: string };
  /** How long a stop may take: in-flight requests finish, then connections are cut and the store closed. */
  shutdownMs: number;
  /** Outgoing mail (notifications); without an SMTP server, none is sent. */
  mail: { smtpUrl?: string; from: string };
  /** Workshop labs: the key their secrets are encrypted with (none: labs are off), and where Onramp may connect. */
  labs: { secret?: string; previousSecret?: string; networks: readonly Network[]; timeoutMs: number };
}

/**
 * Reads the environment once. Local runs get safe defaults; production refuses to start without a
 * session secret. Locally the secret is generated once and kept in the data folder (mode 0600), so
 * sessions survive a restart.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const baseUrl = e.BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`;
  let secret = e.SESSION_SECRET;
  if (!secret) {
    if (e.NODE_ENV === 'production') throw new Error('Invalid configuration: SESSION_SECRET is required in production');
    secret = localSecret(dataDir);
  }
  const trust = e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    contentDir: resolve(e.CONTENT_DIR),
    seedDir: resolve(e.SEED_DIR),
    baseUrl,
    sessionSecret: secret.split(',').map((s) => s.trim()),
    secureCookies: baseUrl.startsWith('https://'),
    trustProxy: trust,
    rateLimits: {
      login: e.RATE_LIMIT_LOGIN,
      signup: e.RATE_LIMIT_SIGNUP,
      submit: e.RATE_LIMIT_SUBMIT,
      join: e.RATE_LIMIT_JOIN,
      feedback: e.RATE_LIMIT_FEEDBACK,
      api: e.RATE_LIMIT_API,
      windowMs: e.RATE_LIMIT_WINDOW_MINUTES * 60_000,
    },
    backup: { intervalHours: e.BACKUP_INTERVAL_HOURS, keep: e.BACKUP_KEEP },
    sse: { heartbeatMs: e.SSE_HEARTBEAT_SECONDS * 1000, maxStreams: e.SSE_MAX_STREAMS, perUser: e.SSE_STREAMS_PER_USER },
    ...(e.OIDC_ISSUER
      ? { oidc: Object.freeze({ issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, label: e.OIDC_LABEL! }) }
      : {}),
    passwordLogin: e.PASSWORD_LOGIN === 'on',
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? `Onramp <onramp@${new URL(baseUrl).hostname}>` },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json') },
    metrics: { allow: e.METRICS_ALLOW.split(',').map((a) => a.trim()).filter(Boolean), token: e.METRICS_TOKEN },
    shutdownMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    labs: Object.freeze({
      ...(e.LAB_SECRET ? { secret: e.LAB_SECRET } : {}),
      ...(e.LAB_SECRET_PREVIOUS ? { previousSecret: e.LAB_SECRET_PREVIOUS } : {}),
      networks: Object.freeze(parseNetworks(e.LAB_NETWORKS)),
      timeoutMs: e.LAB_TIMEOUT_SECONDS * 1000,
    }),
  });
}

function localSecret(dataDir: string): string {
  const path = join(dataDir, 'session-secret');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
