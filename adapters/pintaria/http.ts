import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { hmacBase64, timingSafeEqual } from '../shared/crypto.js';

export interface PintariaConfig {
  baseUrl: string;
  keyId: string;
  secret: string;
}

export const PINTARIA_PATHS = {
  enrollment: (id: string) => `/prakerja/v1/course-enrollments/${encodeURIComponent(id)}`,
  enrollments: '/prakerja/v1/course-enrollments',
  result: (id: string) => `/prakerja/v1/course-enrollments/${encodeURIComponent(id)}/result`,
} as const;

export const PINTARIA_MAX_PAGE = 100;

async function digest(body: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
  return `SHA-256=${btoa(String.fromCharCode(...new Uint8Array(d)))}`;
}

/**
 * HTTP Signatures (draft-cavage-http-signatures-12), hmac-sha256 over `(request-target)`, `date`
 * and `digest`: the signing string is those three lines, lower-case names.
 */
export async function pintariaSigningString(method: string, pathWithQuery: string, date: string, body: string): Promise<string> {
  return `(request-target): ${method.toLowerCase()} ${pathWithQuery}\ndate: ${date}\ndigest: ${await digest(body)}`;
}

export async function pintariaSignatureHeaders(cfg: Pick<PintariaConfig, 'keyId' | 'secret'>, method: string, pathWithQuery: string, body: string, now: Date): Promise<Record<string, string>> {
  const date = now.toUTCString();
  const signature = await hmacBase64('SHA-256', cfg.secret, await pintariaSigningString(method, pathWithQuery, date, body));
  return { date, digest: await digest(body), signature: `keyId="${cfg.keyId}",algorithm="hmac-sha256",headers="(request-target) date digest",signature="${signature}"` };
}

export function parseSignature(h: string): Record<string, string> {
  return Object.fromEntries([...h.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** Checks a signed message (request at the simulator, callback at the adapter): which check failed, or ok. */
export async function checkPintariaSignature(
  secret: string,
  keyId: string,
  m: { method: string; pathWithQuery: string; headers: Headers; body: string; now: Date; toleranceMs: number },
): Promise<'ok' | 'missing' | 'bad_signature' | 'stale'> {
  const sig = m.headers.get('signature');
  const date = m.headers.get('date');
  const dig = m.headers.get('digest');
  if (!sig || !date || !dig) return 'missing';
  const p = parseSignature(sig);
  if (p.keyId !== keyId || p.algorithm !== 'hmac-sha256' || p.headers !== '(request-target) date digest' || !p.signature) return 'bad_signature';
  if (dig !== (await digest(m.body))) return 'bad_signature';
  const expected = await hmacBase64('SHA-256', secret, await pintariaSigningString(m.method, m.pathWithQuery, date, m.body));
  if (!timingSafeEqual(p.signature, expected)) return 'bad_signature';
  const at = Date.parse(date);
  return Number.isNaN(at) || Math.abs(m.now.getTime() - at) > m.toleranceMs ? 'stale' : 'ok';
}

export async function pintariaRequest(cfg: PintariaConfig, method: 'GET' | 'POST', pathWithQuery: string, opts: { body?: unknown; idempotencyKey?: string; now: Date }): Promise<WireRequest> {
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const url = new URL(`${cfg.baseUrl.replace(/\/$/, '')}${pathWithQuery}`);
  const headers: Record<string, string> = { ...(await pintariaSignatureHeaders(cfg, method, url.pathname + url.search, body, opts.now)), accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return wireRequest(url, { method, headers, body: opts.body === undefined ? undefined : body });
}
