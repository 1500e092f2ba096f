import { decodeJwt, jwtVerify, SignJWT } from 'jose';

/**
 * Gateway-issued bearer tokens: HS256, one key per subject derived from the master secret, so a
 * provider's key can be handed out (or rotated with the master) without a key table, and a
 * token for one provider can never be re-labelled as another's.
 */
export type Caller = { kind: 'provider'; providerId: string } | { kind: 'ops'; operator: string };

const ISSUER = 'prakerja-gateway';
const AUDIENCE = 'prakerja-gateway';
const enc = new TextEncoder();

export class TokenKeys {
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  constructor(private readonly master: string) {}

  keyFor(subject: string): Promise<Uint8Array> {
    let k = this.cache.get(subject);
    if (!k) {
      k = (async () => {
        const key = await crypto.subtle.importKey('raw', enc.encode(this.master), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`token-key:${subject}`)));
      })();
      this.cache.set(subject, k);
    }
    return k;
  }

  async issue(caller: Caller, ttlSeconds = 3600): Promise<string> {
    const subject = subjectOf(caller);
    return new SignJWT({ scope: caller.kind })
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
    let subject: string | undefined;
    try {
      subject = decodeJwt(token).sub;
    } catch {
      throw new Error('the bearer token is not a JWT');
    }
    if (!subject) throw new Error('the token has no subject');
    const { payload } = await jwtVerify(token, await this.keyFor(subject), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }).catch((e: Error) => {
      throw new Error(`the token is not valid: ${e.message}`);
    });
    if (payload.scope === 'ops' && subject.startsWith('ops:')) return { kind: 'ops', operator: subject.slice(4) };
    if (payload.scope === 'provider' && subject.startsWith('provider:')) return { kind: 'provider', providerId: subject.slice(9) };
    throw new Error('the token has no usable scope');
  }
}

function subjectOf(c: Caller): string {
  return c.kind === 'ops' ? `ops:${c.operator}` : `provider:${c.providerId}`;
}
