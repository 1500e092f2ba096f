import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { AppEnv } from '../app/context.js';
import { ProblemError } from '../lib/problem.js';
import { cookieOptions } from './session.js';

/**
 * Two locks on every form. hono/csrf refuses a cross-site form post by its Origin (or
 * Sec-Fetch-Site); and each form carries a token only this session can have: an HMAC of the
 * session's random id, or before sign-in of a random cookie set with the form (double submit).
 */
export const CSRF_FIELD = '_csrf';
const PRE_COOKIE = 'console_presign';
const enc = new TextEncoder();

type Ctx = Context<AppEnv>;

async function mac(c: Ctx, purpose: string, value: string): Promise<string> {
  const raw = await c.get('deps').tokens.keyFor('console:csrf');
  const k = await crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(`${purpose}:${value}`)));
  return btoa(String.fromCharCode(...sig)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Compared in full whatever differs first, so the time taken says nothing of the token. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export const sessionCsrfToken = (c: Ctx, sid: string) => mac(c, 'session', sid);

/** The sign-in form's token, setting the cookie it is checked against. */
export async function preSignInToken(c: Ctx): Promise<string> {
  const nonce = getCookie(c, PRE_COOKIE) ?? crypto.randomUUID();
  setCookie(c, PRE_COOKIE, nonce, cookieOptions(c, 30 * 60));
  return mac(c, 'pre', nonce);
}

const missing = () =>
  new ProblemError(403, 'csrf_token_invalid', 'Form token missing or wrong', {
    detail: 'Reload the page and send the form again.',
    errors: [{ field: CSRF_FIELD, rule: 'csrf_token', message: 'must be the token of the form this session was given' }],
  });

export async function checkSessionToken(c: Ctx, sid: string, sent: unknown): Promise<void> {
  if (typeof sent !== 'string' || !same(sent, await sessionCsrfToken(c, sid))) throw missing();
}

export async function checkPreSignInToken(c: Ctx, sent: unknown): Promise<void> {
  const nonce = getCookie(c, PRE_COOKIE);
  if (!nonce || typeof sent !== 'string' || !same(sent, await mac(c, 'pre', nonce))) throw missing();
}

/** hono/csrf's origin check, refusing with a problem that names the header and the rule. */
export function sameOrigin(): MiddlewareHandler<AppEnv> {
  const check = csrf();
  return async (c, next) => {
    let passed = false;
    await check(c, async () => {
      passed = true;
    }).catch(() => undefined);
    if (!passed) {
      throw new ProblemError(403, 'cross_site_form', 'Form sent from another site', {
        detail: 'Console forms are accepted only from the console itself.',
        errors: [{ field: 'header:Origin', rule: 'same_origin', message: 'must be this gateway’s origin' }],
      });
    }
    await next();
  };
}
