import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/**
 * Bearer tokens. Two kinds of issuer:
 * - the gateway itself (HS256), one key per subject derived from the master secret, so a
 *   provider's key can be handed out (or rotated with the master) without a key table, and a
 *   token for one provider can never be re-labelled as another's;
 * - a provider that signs its own tokens (RS256/ES256) with keys it publishes as a JWKS, whose
 *   URL the gateway keeps in the provider's row.
 */
export type Caller = { kind: 'provider'; providerId: string; credentialId?: string } | { kind: 'ops'; operator: string };

const ISSUER = 'prakerja-gateway';
const AUDIENCE = 'prakerja-gateway';
const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
/** Verified tokens remembered, so a busy provider's token is checked once, not on every request. */
const VERIFIED_CACHE_MAX = 10_000;
const enc = new TextEncoder();

export interface TokenKeysOptions {
  /** The JWKS URL a provider registered, if it signs its own tokens. */
  jwksUrlFor?: (providerId: string) => Promise<string | undefined>;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export class TokenKeys {
  private readonly derived = new Map<string, Promise<Uint8Array>>();
  private readonly remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  private readonly verified = new Map<string, { caller: Caller; exp: number }>();

  constructor(
    private readonly master: string,
    private readonly opts: TokenKeysOptions = {},
  ) {}

  keyFor(subject: string): Promise<Uint8Array> {
    let k = this.derived.get(subject);
    if (!k) {
      k = (async () => {
        const key = await crypto.subtle.importKey('raw', enc.encode(this.master), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`token-key:${subject}`)));
      })();
      this.derived.set(subject, k);
    }
    return k;
  }

  /**
   * A token for `caller`. A provider's credential issued by an operator carries its id as `jti`,
   * so that it can be revoked on its own (see services/ops/providers.ts); tokens without one
   * (`npm run token`, sandbox) are revoked only by changing AUTH_SECRET.
   */
  async issue(caller: Caller, ttlSeconds = 3600): Promise<string> {
    const subject = subjectOf(caller);
    const jwt = new SignJWT({ scope: caller.kind });
    if (caller.kind === 'provider' && caller.credentialId) jwt.setJti(caller.credentialId);
    return jwt
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(await this.keyFor(subject));
  }

  /** Verifies a token and says who it is for; throws with a reason a client can act on. */
  async verify(token: string): Promise<Caller> {
    const hit = this.verified.get(token);
    if (hit && hit.exp * 1000 > Date.now()) return hit.caller;
    if (hit) this.verified.delete(token);

    let subject: string | undefined;
    let alg: string | undefined;
    try {
      subject = decodeJwt(token).sub;
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new Error('the bearer token is not a JWT');
    }
    if (!subject) throw new Error('the token has no subject');
    const providerSigned = !!alg && ASYMMETRIC.includes(alg);
    const payload = providerSigned ? await this.verifyProviderSigned(token, subject) : await this.verifyGatewaySigned(token, subject);
    const caller = callerOf(payload, subject, !providerSigned);
    if (payload.exp) this.remember(token, caller, payload.exp);
    return caller;
  }

  private async verifyGatewaySigned(token: string, subject: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, await this.keyFor(subject), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp'] }).catch(invalid);
    return payload;
  }

  /** A provider's own token: issued by the provider itself, for the gateway, checked against its JWKS. */
  private async verifyProviderSigned(token: string, subject: string): Promise<JWTPayload> {
    if (!subject.startsWith('provider:')) throw new Error('only providers may sign their own tokens');
    const providerId = subject.slice('provider:'.length);
    const url = await this.opts.jwksUrlFor?.(providerId);
    if (!url) throw new Error(`provider ${providerId} has no JWKS registered; use a gateway-issued token`);
    let set = this.remoteSets.get(url);
    if (!set) {
      const f = this.opts.fetch;
      set = createRemoteJWKSet(new URL(url), f ? { [customFetch]: (u: string, init: RequestInit) => f(u, init) } : {});
      this.remoteSets.set(url, set);
    }
    const { payload } = await jwtVerify(token, set, { issuer: providerId, audience: AUDIENCE, algorithms: ASYMMETRIC, requiredClaims: ['exp'] }).catch(invalid);
    return payload;
  }

  private remember(token: string, caller: Caller, exp: number): void {
    if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { caller, exp });
  }
}

function invalid(e: Error): never {
  throw new Error(`the token is not valid: ${e.message}`);
}

/** Only the gateway's own tokens name a credential: a provider's `jti` is its own business. */
function callerOf(payload: JWTPayload, subject: string, gatewaySigned: boolean): Caller {
  if (payload.scope === 'ops' && subject.startsWith('ops:')) return { kind: 'ops', operator: subject.slice(4) };
  if (payload.scope === 'provider' && subject.startsWith('provider:')) {
    return gatewaySigned && typeof payload.jti === 'string' ? { kind: 'provider', providerId: subject.slice(9), credentialId: payload.jti } : { kind: 'provider', providerId: subject.slice(9) };
  }
  throw new Error('the token has no usable scope');
}

function subjectOf(c: Caller): string {
  return c.kind === 'ops' ? `ops:${c.operator}` : `provider:${c.providerId}`;
}
