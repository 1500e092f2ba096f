import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify, SignJWT } from 'jose';
import type { AppEnv } from '../app/context.js';

/**
 * The console's session: a short-lived HS256 JWT in an HttpOnly, SameSite=Strict cookie. Its key
 * is derived from AUTH_SECRET under a subject no bearer token can have, so a session cookie is
 * never a usable API token and an API token never a session; changing AUTH_SECRET ends both.
 */
export const SESSION_COOKIE = 'console_session';
export const SESSION_TTL_SECONDS = 60 * 60;
const KEY_SUBJECT = 'console:session';
const AUDIENCE = 'prakerja-console';

export interface ConsoleSession {
  operator: string;
  /** Random per sign-in: the per-session CSRF token is derived from it. */
  sid: string;
  expiresAt: Date;
}

type Ctx = Context<AppEnv>;

const key = (c: Ctx) => c.get('deps').tokens.keyFor(KEY_SUBJECT);

/** Secure everywhere except plain http to this machine (the sandbox), where a browser would drop it. */
export function cookieIsSecure(url: string): boolean {
  const u = new URL(url);
  return !(u.protocol === 'http:' && isLoopbackHost(u.hostname));
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function cookieOptions(c: Ctx, maxAge: number) {
  return { httpOnly: true, secure: cookieIsSecure(c.req.url), sameSite: 'Strict' as const, path: '/console', maxAge };
}

export async function startSession(c: Ctx, operator: string): Promise<ConsoleSession> {
  const sid = crypto.randomUUID();
  const jwt = await new SignJWT({ sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(AUDIENCE)
    .setSubject(operator)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
    .sign(await key(c));
  setCookie(c, SESSION_COOKIE, jwt, cookieOptions(c, SESSION_TTL_SECONDS));
  return { operator, sid, expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000) };
}

/** The session the request carries, or undefined when it has none, or an expired or forged one. */
export async function readSession(c: Ctx): Promise<ConsoleSession | undefined> {
  const jwt = getCookie(c, SESSION_COOKIE);
  if (!jwt) return undefined;
  try {
    const { payload } = await jwtVerify(jwt, await key(c), { audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
    if (typeof payload.sid !== 'string' || !payload.sub) return undefined;
    return { operator: payload.sub, sid: payload.sid, expiresAt: new Date(payload.exp! * 1000) };
  } catch {
    return undefined;
  }
}

export function endSession(c: Ctx): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: cookieIsSecure(c.req.url) });
}
