/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signature is the base64
 * HMAC-SHA256 of `id.timestamp.body` under the secret's bytes (`whsec_<base64>`): Web Crypto on
 * Workers, Node's own HMAC on Node (src/contract/crypto.ts).
 */
import { hmacBase64OfKey } from '../contract/crypto.js';

const PREFIX = 'whsec_';

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A new signing secret: 24 random bytes (the spec asks for 24–64). */
export function newWebhookSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const key = fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
  return `v1,${await hmacBase64OfKey('SHA-256', key, `${id}.${timestampSeconds}.${body}`)}`;
}

/**
 * The three headers of one delivery. During a rotation's overlap both secrets sign: the header
 * holds several space-separated `v1,` signatures, and a receiver holding either secret verifies.
 */
export async function webhookHeaders(secrets: string[], id: string, body: string, at: Date): Promise<Record<string, string>> {
  const ts = Math.floor(at.getTime() / 1000);
  const sigs = await Promise.all(secrets.map((s) => signWebhook(s, id, ts, body)));
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sigs.join(' ') };
}
