import type * as OpenId from 'openid-client';
import { AppError } from '../lib/errors.ts';
import type { Log } from '../lib/feature.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the button says, e.g. "OpenInfra ID". */
  label: string;
}

/** What one sign-in must bring back unchanged: kept in the browser's signed cookie until the callback. */
export interface OidcChecks {
  state: string;
  nonce: string;
  /** The PKCE code verifier (its S256 challenge went to the provider). */
  verifier: string;
}

/** Who the provider says signed in, from the validated ID token (and the userinfo endpoint when it has no names). */
export interface OidcPerson {
  issuer: string;
  subject: string;
  username?: string;
  name?: string;
  email?: string;
}

/** Requests to the provider give up after this long: a sign-in page should not hang. */
const TIMEOUT_SECONDS = 10;
const RETRY_AFTER_MS = 10_000;

// Loaded on the first sign-in with a provider: most instances have none configured.
let openid: typeof OpenId | undefined;
const loadOpenId = async () => (openid ??= await import('openid-client'));

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);

/**
 * The relying-party side of OpenID Connect, on openid-client: discovery (once, retried after a
 * failure), the authorization code flow with PKCE, state and nonce, and the ID token's validation:
 * issuer, audience, expiry and nonce by openid-client's checks, the signature against the provider's
 * published keys (its non-repudiation checks, which are off by default for a token fetched over TLS).
 */
export function createOidcClient(settings: OidcSettings, redirectUri: string, log: Log) {
  let discovered: Promise<OpenId.Configuration> | undefined;
  /** A failed discovery is not retried for a few seconds: a provider that is down is not asked on every click. */
  let failed: { at: number; err: unknown } | undefined;

  function configuration(): Promise<OpenId.Configuration> {
    if (failed && Date.now() - failed.at < RETRY_AFTER_MS) return Promise.reject(failed.err);
    if (!discovered) {
      // http:// only for a provider on this machine; the configuration refuses any other (config.ts).
      const pending = loadOpenId().then(async (client) => {
        const execute = new URL(settings.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [];
        const c = await client.discovery(new URL(settings.issuer), settings.clientId, undefined, client.ClientSecretBasic(settings.clientSecret), { timeout: TIMEOUT_SECONDS, execute });
        client.enableNonRepudiationChecks(c);
        const at = c.serverMetadata().authorization_endpoint;
        // The page's CSP lets forms lead to the issuer's origin only (see securityHeaders).
        if (at && new URL(at).origin !== new URL(settings.issuer).origin) {
          log(`oidc: the provider's authorization endpoint ${at} is not at the issuer's origin; browsers will refuse the redirect to it (CSP form-action)`);
        }
        failed = undefined;
        return c;
      });
      discovered = pending;
      pending.catch((err) => {
        if (discovered === pending) discovered = undefined;
        failed = { at: Date.now(), err };
      });
    }
    return discovered;
  }

  /** Turns what went wrong into what the person can do about it; the technical reason goes to the log. */
  function failure(err: unknown, during: string): AppError {
    if (err instanceof AppError) return err;
    const e = err as { name?: string; code?: string; message?: string; error?: string; cause?: { code?: string; message?: string; cause?: { claim?: string } } };
    const detail = e.cause?.cause?.claim ? ` (claim ${e.cause.cause.claim})` : e.cause?.code && e.cause.code !== e.code ? ` (${e.cause.code})` : e.cause?.message ? ` (${e.cause.message})` : '';
    log(`oidc: ${during} failed: ${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(err)}${detail}`);
    const unreachable =
      (err instanceof TypeError && /fetch failed/i.test(err.message)) ||
      e.name === 'TimeoutError' ||
      e.name === 'AbortError' ||
      e.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ||
      e.code === 'OAUTH_RESPONSE_IS_NOT_JSON';
    if (unreachable) {
      return new AppError(503, 'oidc_unavailable', `${settings.label} does not answer right now, so you cannot sign in with it. Try again in a few minutes.`);
    }
    if (openid && err instanceof openid.AuthorizationResponseError && e.error === 'access_denied') {
      return new AppError(400, 'oidc_denied', `The sign-in at ${settings.label} was cancelled. You can start again from the sign-in page.`);
    }
    return new AppError(400, 'oidc_failed', `Onramp could not verify your sign-in with ${settings.label}, so you are not signed in. Start again from the sign-in page.`);
  }

  return {
    label: settings.label,

    /** Where to send the browser, and the checks its cookie must keep until it comes back. */
    async start(): Promise<{ url: URL; checks: OidcChecks }> {
      try {
        const config = await configuration();
        const client = await loadOpenId();
        const checks: OidcChecks = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
        const url = client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid profile email',
          code_challenge: await client.calculatePKCECodeChallenge(checks.verifier),
          code_challenge_method: 'S256',
          state: checks.state,
          nonce: checks.nonce,
        });
        return { url, checks };
      } catch (err) {
        throw failure(err, 'discovery');
      }
    },

    /** Redeems the code from the callback's address and validates the ID token; throws an AppError otherwise. */
    async finish(callbackUrl: URL, checks: OidcChecks): Promise<OidcPerson> {
      try {
        const config = await configuration();
        const client = await loadOpenId();
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new Error('no ID token');
        let profile: Record<string, unknown> = claims;
        // Providers that follow the specification to the letter put names only in the userinfo answer.
        if (!text(claims.preferred_username) && !text(claims.email) && !text(claims.name) && tokens.access_token) {
          try {
            profile = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
          } catch (err) {
            log(`oidc: userinfo failed (sign-in goes on without names): ${(err as Error).message}`);
          }
        }
        return {
          issuer: claims.iss,
          subject: claims.sub,
          username: text(profile.preferred_username) ?? text(profile.nickname),
          name: text(profile.name),
          email: text(profile.email),
        };
      } catch (err) {
        throw failure(err, 'callback');
      }
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;
