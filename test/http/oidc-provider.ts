/**
 * A small but real OpenID Connect provider for tests (discovery, authorize, token with PKCE S256
 * check, userinfo, JWKS), signing ID tokens with jose. It answers on 127.0.0.1 over HTTP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export type TestUser = Record<string, unknown> & { sub: string };

export type TestIdp = {
  issuer: string;
  /** Who "signs in" at the next /authorize. */
  nextUser: TestUser;
  /** Requests the token endpoint refused, with why (for assertions). */
  refusals: string[];
  close(): Promise<void>;
};

const body = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

export async function startTestIdp(client: { id: string; secret: string }): Promise<TestIdp> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<
    string,
    { challenge: string; nonce: string; redirect: string; user: TestUser }
  >();
  const tokens = new Map<string, TestUser>();
  const idp: TestIdp = {
    issuer: '',
    nextUser: { sub: 'nobody' },
    refusals: [],
    close: async () => {},
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', idp.issuer);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: idp.issuer,
        authorization_endpoint: `${idp.issuer}/authorize`,
        token_endpoint: `${idp.issuer}/token`,
        userinfo_endpoint: `${idp.issuer}/userinfo`,
        jwks_uri: `${idp.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== client.id || q.get('code_challenge_method') !== 'S256')
        return json(400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        nonce: q.get('nonce') ?? '',
        redirect: q.get('redirect_uri') ?? '',
        user: idp.nextUser,
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      back.searchParams.set('iss', idp.issuer);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = await body(req);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const refuse = (why: string) => {
        idp.refusals.push(why);
        return json(400, { error: 'invalid_grant', error_description: why });
      };
      if (!grant) return refuse('unknown code');
      if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret)
        return refuse('client authentication');
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
        return refuse('PKCE verifier');
      if (form.get('redirect_uri') !== grant.redirect) return refuse('redirect_uri');
      const access = randomBytes(16).toString('hex');
      tokens.set(access, grant.user);
      const idToken = await new SignJWT({ ...grant.user, nonce: grant.nonce })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(idp.issuer)
        .setAudience(client.id)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      return json(200, {
        access_token: access,
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    if (url.pathname === '/userinfo') {
      const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      return user ? json(200, user) : json(401, { error: 'invalid_token' });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  idp.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp.close = () => new Promise((r) => server.close(() => r()));
  return idp;
}
