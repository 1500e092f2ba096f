import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { hmacBase64, sha256Hex } from '../shared/crypto.js';
import { formatSnapTimestamp } from './transformers.js';

/** Kemnaker's HTTP side: SNAP BI-style headers and the symmetric request signature. */
export interface KemnakerConfig {
  baseUrl: string;
  partnerId: string;
  clientSecret: string;
  /** Assigned at onboarding; SNAP uses it to tell integration channels apart. */
  channelId?: string;
}

/** Modelled default channel for a server-to-server integration. */
export const KEMNAKER_DEFAULT_CHANNEL_ID = '95221';

export const KEMNAKER_PATHS = {
  inquiry: '/snap/v1.0/prakerja/voucher/inquiry',
  redeem: '/snap/v1.0/prakerja/voucher/redeem',
  grade: '/snap/v1.0/prakerja/grade',
  list: '/snap/v1.0/prakerja/voucher/list',
};

/** Where the gateway receives Kemnaker's notifications unless a deployment says otherwise; the path is signed. */
export const KEMNAKER_CALLBACK_PATH = '/v1/callbacks/kemnaker';

/** SNAP's X-TIMESTAMP shape: ISO-8601 with an explicit offset, never a bare local time. */
export const SNAP_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?[+-]\d{2}:\d{2}$/;

/** Headers of a SNAP notification from Kemnaker, by role; all are required. */
export const KEMNAKER_CALLBACK_HEADERS = { timestamp: 'x-timestamp', partnerId: 'x-partner-id', eventId: 'x-external-id', signature: 'x-signature' } as const;

/**
 * SNAP's Minify(body): whitespace outside string literals removed, nothing else changed. Re-serialising
 * through JSON.parse would also rewrite escapes and number forms, and the sender did not sign those.
 */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') {
      out += ch;
    }
  }
  return out;
}

/** `METHOD:path:lowercase hex SHA-256(minified body):X-TIMESTAMP`, SNAP BI's symmetric form without an access token. */
export async function kemnakerStringToSign(method: string, path: string, body: string, timestamp: string): Promise<string> {
  return `${method.toUpperCase()}:${path}:${await sha256Hex(minifyJson(body))}:${timestamp}`;
}

/** X-SIGNATURE = base64 HMAC-SHA512(clientSecret, stringToSign). */
export async function kemnakerSignature(secret: string, method: string, path: string, body: string, timestamp: string): Promise<string> {
  return hmacBase64('SHA-512', secret, await kemnakerStringToSign(method, path, body, timestamp));
}

/** SNAP limits X-EXTERNAL-ID to 36 digits; we always use all of them to make collisions negligible. */
export const EXTERNAL_ID_DIGITS = 36;

/** A fresh X-EXTERNAL-ID for a read, where replaying an earlier answer would only return stale data. */
export function randomExternalId(): string {
  let out = '';
  while (out.length < EXTERNAL_ID_DIGITS) {
    // Bytes of 250 and above are dropped, so every digit is equally likely.
    for (const b of crypto.getRandomValues(new Uint8Array(48))) if (b < 250 && out.length < EXTERNAL_ID_DIGITS) out += String(b % 10);
  }
  return out;
}

/**
 * An X-EXTERNAL-ID derived from the gateway's idempotency key. A retry after a timeout then
 * carries the same id and Kemnaker answers it from its dedupe store instead of applying it again.
 * The operation prefix keeps two operations that share a key from colliding on one id.
 */
async function derivedExternalId(operation: 'redeem' | 'grade', idempotencyKey: string): Promise<string> {
  const digest = await sha256Hex(`kemnaker-${operation}:${idempotencyKey}`);
  return (BigInt(`0x${digest}`) % 10n ** BigInt(EXTERNAL_ID_DIGITS)).toString().padStart(EXTERNAL_ID_DIGITS, '0');
}

export const redeemExternalId = (idempotencyKey: string): Promise<string> => derivedExternalId('redeem', idempotencyKey);
export const gradeExternalId = (idempotencyKey: string): Promise<string> => derivedExternalId('grade', idempotencyKey);

export async function kemnakerRequest(cfg: KemnakerConfig, path: string, body: unknown, opts: { externalId: string; now: Date }): Promise<WireRequest> {
  const url = new URL(cfg.baseUrl.replace(/\/$/, '') + path);
  const text = JSON.stringify(body);
  const timestamp = formatSnapTimestamp(opts.now);
  // Signed over the path the server sees, so a base URL with its own path prefix still verifies.
  const signature = await kemnakerSignature(cfg.clientSecret, 'POST', url.pathname + url.search, text, timestamp);
  return wireRequest(url, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-timestamp': timestamp,
      'x-partner-id': cfg.partnerId,
      'x-external-id': opts.externalId,
      'channel-id': cfg.channelId ?? KEMNAKER_DEFAULT_CHANNEL_ID,
      'x-signature': signature,
    },
    body: text,
  });
}
