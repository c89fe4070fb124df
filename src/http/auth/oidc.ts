/**
 * OIDC sign-in from the company IdP: authorization code flow with PKCE (S256), state and nonce,
 * through openid-client. The in-flight values travel in a short-lived HttpOnly cookie, so any
 * replica can finish a sign-in another one started.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 * @see https://www.rfc-editor.org/rfc/rfc7636
 */
import * as client from 'openid-client';
import { resolveSecret } from '../../config/load-config.js';
import type { OidcConfig } from '../../config/server-schema.js';
import { TenureError } from '../../domain/errors.js';
import type { Logger } from '../../engine/workspace.js';

export const OIDC_COOKIE = 'tenure_oidc';
export const OIDC_COOKIE_PATH = '/api/v1/auth/oidc';

export type OidcPending = { verifier: string; state: string; nonce: string };
export type OidcClaims = Record<string, unknown> & { sub: string; iss: string };

export type OidcClient = {
  config: OidcConfig;
  begin(): Promise<{ url: string; pending: OidcPending }>;
  /** `query` is the callback's query string (`?code=…&state=…`). */
  finish(query: string, pending: OidcPending): Promise<OidcClaims>;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createOidcClient(
  cfg: OidcConfig,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): OidcClient {
  const issuer = new URL(cfg.issuer);
  if (cfg.allow_insecure_http && !LOOPBACK.has(issuer.hostname)) {
    throw new TenureError(
      'config.oidc_insecure',
      'auth.oidc.allow_insecure_http is for tests against a loopback issuer only',
    );
  }
  const insecure = cfg.allow_insecure_http && issuer.protocol === 'http:';
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () =>
    (discovered ??= client
      .discovery(
        issuer,
        cfg.client_id,
        undefined,
        cfg.client_secret
          ? client.ClientSecretPost(resolveSecret(cfg.client_secret, env))
          : client.None(),
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        discovered = undefined; // try again next time: the IdP may be back
        log.error({ err: e, issuer: cfg.issuer }, 'OIDC discovery failed');
        throw new TenureError('auth.oidc_unavailable', 'the identity provider cannot be reached');
      }));

  return {
    config: cfg,
    async begin() {
      const config = await configuration();
      const pending = {
        verifier: client.randomPKCECodeVerifier(),
        state: client.randomState(),
        nonce: client.randomNonce(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: cfg.redirect_uri,
        scope: cfg.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },
    async finish(query, pending) {
      const config = await configuration();
      // The URL the IdP redirected to, rebuilt from configuration rather than the Host header.
      const current = new URL(cfg.redirect_uri);
      current.search = query;
      try {
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims() as OidcClaims | undefined;
        if (!claims) throw new Error('no ID token');
        const wanted = [cfg.username_claim, cfg.roles_claim].filter(
          (c): c is string => !!c && claims[c] === undefined,
        );
        if (wanted.length === 0) return claims;
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        return { ...info, ...claims } as OidcClaims;
      } catch (e) {
        log.warn({ err: e }, 'OIDC callback refused');
        throw new TenureError('auth.oidc_failed', 'the identity provider sign-in did not complete');
      }
    },
  };
}

export const encodePending = (p: OidcPending) =>
  Buffer.from(JSON.stringify(p)).toString('base64url');

export const decodePending = (text: string | undefined): OidcPending | undefined => {
  if (!text) return undefined;
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      typeof v?.verifier === 'string' &&
      typeof v.state === 'string' &&
      typeof v.nonce === 'string'
    )
      return { verifier: v.verifier, state: v.state, nonce: v.nonce };
  } catch {}
  return undefined;
};
