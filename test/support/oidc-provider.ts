import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import Provider from 'oidc-provider';

/** A person with an account at the test provider. */
export interface TestAccount {
  sub: string;
  preferred_username?: string;
  name?: string;
  email?: string;
}

type Claims = Record<string, unknown>;

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Who signs in at the provider's login step without a form (tests that drive HTTP by hand). */
  signInAs(sub: string | undefined): void;
  /**
   * Changes the ID token the token endpoint answers with: the claims as the provider made them go
   * through `edit`, and the result is signed with the provider's own key, or with a stranger's.
   */
  tamper(edit?: (claims: Claims) => Claims, key?: 'provider' | 'stranger'): void;
  /** Follows the provider's redirects from the authorization URL to the address it sends the browser back to (a browser with no session there). */
  authorize(url: string): Promise<string>;
  /** How many requests reached the token endpoint (a replayed state must not even get there). */
  tokenRequests(): number;
  stop(): Promise<void>;
}

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

function signJwt(header: object, claims: Claims, key: KeyObject): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

// oidc-provider warns about its development defaults (memory adapter, Node 20); they are the point here.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (!String(args[0]).startsWith('oidc-provider WARNING')) warn(...args);
};

let made: { privateKey: KeyObject; stranger: KeyObject } | undefined;
/** RSA keys take a few hundred milliseconds to make: once per test file is enough. */
const keys = () =>
  (made ??= {
    privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    stranger: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  });

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1, for the tests. Its development
 * interactions are replaced: the login step signs in the account the test chose (or, in a browser,
 * asks for a username in a small form), and consent is given up front by `loadExistingGrant`, so a
 * sign-in is redirects only. Its signing key is one the test knows, so a test can re-sign a token
 * with one claim changed and see that Onramp refuses it for that claim, not for its signature.
 */
export async function startTestProvider(options: { redirectUri: string }): Promise<TestProvider> {
  const accounts = new Map<string, TestAccount>();
  const { privateKey, stranger } = keys();
  const kid = randomUUID();
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  let auto: string | undefined;
  let tampering: { edit: (c: Claims) => Claims; key: 'provider' | 'stranger' } | undefined;
  let tokenHits = 0;

  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'onramp';
  const clientSecret = 'a-test-client-secret-that-is-long-enough';

  const provider = new Provider(issuer, {
    clients: [
      { client_id: clientId, client_secret: clientSecret, redirect_uris: [options.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-provider-cookie-key'] },
    claims: { openid: ['sub'], email: ['email'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: async () => ({ ...account }) };
    },
    // Every client is first-party here: consent is given, for the scopes asked, without a page.
    async loadExistingGrant(ctx: any) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    renderError(ctx: any, out: Record<string, string>) {
      ctx.type = 'text';
      ctx.body = `provider error: ${out.error}: ${out.error_description ?? ''}`;
    },
  });

  provider.use(async (ctx: any, next: () => Promise<void>) => {
    if (ctx.path === '/token') tokenHits += 1;
    await next();
    if (ctx.path === '/token' && tampering && ctx.body?.id_token) {
      const [header, payload] = String(ctx.body.id_token).split('.');
      const claims = tampering.edit(JSON.parse(Buffer.from(payload!, 'base64url').toString()));
      ctx.body = { ...ctx.body, id_token: signJwt(JSON.parse(Buffer.from(header!, 'base64url').toString()), claims, tampering.key === 'provider' ? privateKey : stranger) };
    }
  });

  const handler = provider.callback();
  const page = (title: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

  server.on('request', async (req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) return handler(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
      let login = auto;
      if (m[2] && req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const name = new URLSearchParams(body).get('username') ?? '';
        login = [...accounts.values()].find((a) => a.preferred_username === name || a.sub === name)?.sub;
      }
      if (login) return await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Test ID', `<form method="post" action="/interaction/${m[1]}/login"><label for="u">Username at Test ID</label> <input id="u" name="username" autocomplete="off"> <button type="submit">Sign in to Test ID</button></form>`));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${(err as Error).message}`);
    }
  });

  /** Each walk is a browser of its own: no session at the provider carries over from an earlier one. */
  async function authorize(start: string): Promise<string> {
    const jar = new Map<string, string>();
    let url = start;
    for (let hop = 0; hop < 10; hop++) {
      if (!url.startsWith(issuer)) return url;
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`the provider stopped at ${url} with ${res.status}: ${(await res.text()).slice(0, 300)}`);
      url = new URL(location, url).href;
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signInAs: (sub) => void (auto = sub),
    tamper: (edit, key = 'provider') => void (tampering = edit ? { edit, key } : undefined),
    authorize,
    tokenRequests: () => tokenHits,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
