import { createMiddleware } from 'hono/factory';
import { problems } from '../lib/problem.js';
import type { AppEnv } from './context.js';

/** Bearer-token guard for a door: providers' routes take provider tokens, ops routes ops tokens. */
export function requireCaller(kind: 'provider' | 'ops') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw problems.unauthorized('Send `Authorization: Bearer <token>`.');
    const caller = await c.var.deps.tokens.verify(token).catch((e: Error) => {
      throw problems.unauthorized(e.message);
    });
    if (caller.kind !== kind) throw problems.forbidden(`This route needs a ${kind} token.`);
    c.set('caller', caller);
    c.set('log', c.var.log.child(caller.kind === 'provider' ? { providerId: caller.providerId } : { operator: caller.operator }));
    await next();
  });
}

export function providerId(c: { var: AppEnv['Variables'] }): string {
  const caller = c.var.caller;
  if (caller.kind !== 'provider') throw problems.forbidden('This route needs a provider token.');
  return caller.providerId;
}
