import { eq } from 'drizzle-orm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../src/db/schema.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
const JWKS_URL = 'https://lpk-komputer-jaya.example/.well-known/jwks.json';
const PROVIDER = 'prv-komputer-jaya';

let own: CryptoKey;
let stranger: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  own = pair.privateKey;
  stranger = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'lpk-1', alg: 'ES256', use: 'sig' };
  w.server.use(http.get(JWKS_URL, () => HttpResponse.json({ keys: [jwk] })));
  await w.deps.database.db.update(providers).set({ jwksUrl: JWKS_URL }).where(eq(providers.id, PROVIDER));
});

function token(key: CryptoKey, claims: { iss?: string; sub?: string; aud?: string; exp?: string | null } = {}) {
  const jwt = new SignJWT({ scope: 'provider' })
    .setProtectedHeader({ alg: 'ES256', kid: 'lpk-1' })
    .setIssuer(claims.iss ?? PROVIDER)
    .setSubject(claims.sub ?? `provider:${PROVIDER}`)
    .setAudience(claims.aud ?? 'prakerja-gateway')
    .setIssuedAt();
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? '5m');
  return jwt.sign(key);
}

const call = async (bearer: string) => w.app.request(`/v1/enrollments/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${bearer}` } });

describe('providers that sign their own tokens (JWKS)', () => {
  it('accepts a token signed with a key from the provider’s JWKS (the route then answers 404 for an unknown enrollment)', async () => {
    expect((await call(await token(own))).status).toBe(404);
  });

  it.each([
    ['signed by a key not in the JWKS', () => token(stranger)],
    ['expired', () => token(own, { exp: '-1m' })],
    ['without an expiry', () => token(own, { exp: null })],
    ['for another audience', () => token(own, { aud: 'someone-else' })],
    ['issued in another provider’s name', () => token(own, { iss: 'prv-bahasa-nusantara', sub: 'provider:prv-bahasa-nusantara' })],
  ])('refuses a token %s', async (_, make) => {
    const res = await call(await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
