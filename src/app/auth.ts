import { createMiddleware } from 'hono/factory';
import { problems } from '../lib/problem.js';
import type { AppEnv, RequestVars } from './context.js';
import { limitCaller } from './rate-limit.js';

const REFUSED = {
  unknown: 'The token is for a provider the gateway does not know.',
  inactive: 'The provider has been deactivated; ask the gateway operators.',
  revoked: 'This credential has been revoked or has expired; ask the gateway operators for a new one.',
} as const;

/** Bearer-token guard for a door: providers' routes take provider tokens, ops routes ops tokens. */
export function requireCaller(kind: 'provider' | 'ops') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw problems.unauthorized('Send `Authorization: Bearer <token>`.');
    const caller = await c.get('deps').tokens.verify(token).catch((e: Error) => {
      throw problems.unauthorized(e.message);
    });
    if (caller.kind !== kind) throw problems.forbidden(`This route needs a ${kind} token.`);
    // A valid signature is not enough: the provider must exist and be active now (a deactivated
    // provider's unexpired tokens stop working at once).
    if (caller.kind === 'provider') {
      const status = await c.get('deps').providerStatus(caller.providerId, caller.credentialId);
      if (status !== 'active') throw problems.unauthorized(REFUSED[status]);
    }
    c.set('caller', caller);
    c.set('log', c.get('log').child(caller.kind === 'provider' ? { providerId: caller.providerId } : { operator: caller.operator }));
    return limitCaller(c, caller, next);
  });
}

export function providerId(c: RequestVars): string {
  const caller = c.get('caller');
  if (caller.kind !== 'provider') throw problems.forbidden('This route needs a provider token.');
  return caller.providerId;
}
