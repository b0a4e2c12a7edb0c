import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { RateLimits } from '../lib/rate-limits.ts';
import { notFound, unauthorized } from '../lib/errors.ts';
import { parse } from '../lib/validate.ts';
import { currentUser, requireUser, viaToken } from '../lib/web/roles.ts';
import { ApiSignup, ApiTokenRequest } from './auth-schemas.ts';
import type { AuthService } from './auth-service.ts';
import type { ApiToken, TokensRepository } from './tokens-repository.ts';

const tokenView = ({ hash: _hash, userId: _u, ...t }: ApiToken) => ({ ...t, scopes: t.scopes ?? ['all'] });

/** Accounts and tokens under /api. */
export function authApi(deps: { auth: AuthService; tokens: TokensRepository; limits: RateLimits; loginByAccount: RequestHandler; csrfToken: (req: Request, res: Response) => string }): Router {
  const { auth, tokens, limits } = deps;
  const r = Router();
  const me = (req: Request) => currentUser(req)!.id;

  r.get('/session', (req, res) => {
    res.json({ user: currentUser(req) ?? null, csrfToken: viaToken(req) ? null : deps.csrfToken(req, res) });
  });

  r.post('/users', limits.signup, async (req, res) => {
    const body = parse(ApiSignup, req.body, 400);
    const user = await auth.signup(body.username, body.password);
    res.status(201).json({ id: user.id, username: user.username, role: user.role });
  });

  r.post('/tokens', limits.loginByIp, deps.loginByAccount, async (req, res) => {
    const body = parse(ApiTokenRequest, req.body, 400);
    const user = await auth.verify(body.username, body.password);
    if (!user) throw unauthorized('That username and password do not match an account.');
    const { token, record } = await tokens.create(user.id, body.name, body.scopes ?? ['all']);
    res.status(201).json({ token, ...tokenView(record) });
  });

  r.get('/tokens', requireUser, (req, res) => {
    res.json({ tokens: tokens.forUser(me(req)).map(tokenView) });
  });

  r.delete('/tokens/:id', requireUser, async (req, res) => {
    if (!(await tokens.revoke(me(req), String(req.params.id)))) throw notFound('No such token.');
    res.status(204).end();
  });

  return r;
}
