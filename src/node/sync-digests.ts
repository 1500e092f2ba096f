import { createHash, createHmac } from 'node:crypto';
import type { HmacAlgorithm, SyncDigests } from '../contract/crypto.js';

const NODE_NAME = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' } as const satisfies Record<HmacAlgorithm, string>;

/** Node's own HMAC and SHA-256, synchronous: the gateway's signing on the hot path without Web Crypto's plumbing. */
export const nodeDigests: SyncDigests = {
  hmac: (hash, secret, message) => createHmac(NODE_NAME[hash], secret).update(message, 'utf8').digest(),
  sha256: (message) => createHash('sha256').update(message, 'utf8').digest(),
};
