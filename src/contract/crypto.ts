/** Web Crypto helpers shared by adapters and simulators; they run unchanged on Node and Workers. */

const enc = new TextEncoder();

export type HmacAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string, hash: HmacAlgorithm): Promise<CryptoKey> {
  const id = `${hash}:${secret}`;
  let key = keyCache.get(id);
  if (!key) {
    key = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
    keyCache.set(id, key);
  }
  return key;
}

/**
 * A runtime's own synchronous digests, where it has them (Node's `crypto.createHmac`): for the
 * small messages we sign, Web Crypto's job plumbing costs more than the digest itself (measured
 * in bench/README.md). Workers keep Web Crypto.
 */
export interface SyncDigests {
  /** A text secret is its UTF-8 bytes. */
  hmac(hash: HmacAlgorithm, secret: string | Uint8Array, message: string): Uint8Array;
  sha256(message: string): Uint8Array;
}

let sync: SyncDigests | undefined;

/** Installed once at start-up by the Node entry points (src/node/sync-digests.ts). */
export function useSyncDigests(d: SyncDigests | undefined): void {
  sync = d;
}

async function hmacBytes(hash: HmacAlgorithm, secret: string, message: string): Promise<Uint8Array> {
  if (sync) return sync.hmac(hash, secret, message);
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, hash), enc.encode(message)));
}

export async function hmacHex(hash: HmacAlgorithm, secret: string, message: string): Promise<string> {
  return toHex(await hmacBytes(hash, secret, message));
}

export async function hmacBase64(hash: HmacAlgorithm, secret: string, message: string): Promise<string> {
  return btoa(String.fromCharCode(...(await hmacBytes(hash, secret, message))));
}

/** HMAC under a key given as raw bytes (a Standard Webhooks secret), as base64. */
export async function hmacBase64OfKey(hash: HmacAlgorithm, key: Uint8Array<ArrayBuffer>, message: string): Promise<string> {
  const mac = sync ? sync.hmac(hash, key, message) : new Uint8Array(await crypto.subtle.sign('HMAC', await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign']), enc.encode(message)));
  return btoa(String.fromCharCode(...mac));
}

export async function sha256Hex(message: string): Promise<string> {
  if (sync) return toHex(sync.sha256(message));
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(message))));
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Constant-time string comparison: a signature check must not leak how many bytes matched. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
