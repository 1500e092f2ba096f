/**
 * Secrets at rest (a provider's prakerja.go.id sign key): sealed with AES-256-GCM under
 * SECRETS_KEY through Web Crypto only, so the same code runs on Node and on Workers. A sealed
 * value is `v1.<iv>.<ciphertext+tag>` in base64url; the additional data binds it to what it is
 * (e.g. `provider:<id>:prakerja_sign_key`), so a ciphertext copied onto another provider's row or
 * another column does not open.
 */

/**
 * The sandbox's key. It is published here, so it protects nothing: env.ts refuses it (and its
 * absence) outside the sandbox.
 */
export const SANDBOX_SECRETS_KEY = 'c2FuZGJveC1zZWNyZXRzLWtleS0zMi1ieXRlcy1vayE=';

const VERSION = 'v1';
const enc = new TextEncoder();
const dec = new TextDecoder();

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Why a SECRETS_KEY value is unusable, or undefined when it is 32 bytes of base64. */
export function secretsKeyProblem(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return 'must be base64';
  try {
    const n = base64ToBytes(b64).length;
    return n === 32 ? undefined : `must decode to 32 bytes (it decodes to ${n}); e.g. \`openssl rand -base64 32\``;
  } catch {
    return 'must be base64';
  }
}

export class SecretBox {
  private readonly key: Promise<CryptoKey>;

  constructor(base64Key: string) {
    const problem = secretsKeyProblem(base64Key);
    if (problem) throw new Error(`SECRETS_KEY ${problem}`);
    // Not extractable: the raw key stays in the environment, never in anything the app can print.
    this.key = crypto.subtle.importKey('raw', base64ToBytes(base64Key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  }

  async seal(plaintext: string, context: string): Promise<string> {
    // A fresh random 96-bit IV per value: GCM must never reuse one under the same key.
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(context) }, await this.key, enc.encode(plaintext));
    return `${VERSION}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ct))}`;
  }

  /** Throws when the value was sealed under another key or for another context, or was altered. */
  async open(sealed: string, context: string): Promise<string> {
    const [version, iv, ct] = sealed.split('.');
    if (version !== VERSION || !iv || !ct) throw new Error('not a sealed secret');
    try {
      const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: base64ToBytes(iv), additionalData: enc.encode(context) }, await this.key, base64ToBytes(ct));
      return dec.decode(pt);
    } catch {
      throw new Error(`the sealed secret (${context}) does not open with this SECRETS_KEY`);
    }
  }
}

/** The additional data of a provider's sealed prakerja.go.id key. */
export const signKeyContext = (providerId: string) => `provider:${providerId}:prakerja_sign_key`;
