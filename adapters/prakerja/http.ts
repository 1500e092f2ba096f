import { wireRequest } from '../shared/http.js';
import { hmacHex } from '../shared/crypto.js';
import type { PrakerjaCredentials, WireRequest } from '../types.js';

/** prakerja.go.id's HTTP side: every call is a signed JSON POST. */
export const PRAKERJA_PATHS = {
  redeemCodeStatus: '/api/v1/integration/payment/redeem-code/status',
  redeemCodeCommit: '/api/v1/integration/payment/redeem-code/commit',
  urlGenerate: '/api/v1/integration/oauth/url-generate',
  /** MODELLED: not part of prakerja.go.id's published integration. */
  participantLookup: '/api/v1/integration/participant/lookup',
  taskSubmission: '/api/v1/integration/tpm/submission',
  taskFeedback: '/api/v1/integration/tpm/feedback/submission',
  taskStatus: '/api/v1/integration/tpm/submission/status',
  /** MODELLED: prakerja.go.id does not publish how these facts reach it. */
  reportRedemption: '/api/v1/integration/gateway/redemption',
  /** MODELLED. */
  reportCompletion: '/api/v1/integration/gateway/completion',
  /** MODELLED. */
  reportCertificate: '/api/v1/integration/gateway/certificate',
  /** MODELLED: what prakerja.go.id holds per enrollment, for reconciliation. */
  reportList: '/api/v1/integration/gateway/reports',
} as const;

/** MODELLED: page size of the report listing. */
export const PRAKERJA_REPORT_PAGE = { default: 100, max: 1000 } as const;

/**
 * MODELLED: prakerja.go.id signs its callbacks to the gateway with the API's own formula, under
 * this fixed client code and a key it shares with the gateway alone.
 */
export const PRAKERJA_CALLBACK_CLIENT_CODE = 'PRAKERJA';
/** Where the gateway receives prakerja.go.id's callbacks; the path is part of what is signed. */
export const PRAKERJA_CALLBACK_PATH = '/v1/callbacks/prakerja';
export const PRAKERJA_EVENT_ID_HEADER = 'x-event-id';

/** The exact string prakerja.go.id's example integration signs. */
export function prakerjaSigningString(clientCode: string, timestamp: string, method: string, path: string, body: string): string {
  return clientCode + timestamp + method + path + body;
}

/** signature = lower-case hex HMAC-SHA1(sign key, client_code + timestamp + "POST" + path + raw body). */
export function prakerjaSignature(signKey: string, clientCode: string, timestamp: string, path: string, body: string): Promise<string> {
  return hmacHex('SHA-1', signKey, prakerjaSigningString(clientCode, timestamp, 'POST', path, body));
}

/**
 * Builds the signed request. The body is serialised once and those very bytes are both signed
 * and sent, and the signed path is taken from the final URL, so a base URL with a path prefix
 * still signs what the server sees.
 */
export async function prakerjaRequest(baseUrl: string, creds: PrakerjaCredentials, path: string, payload: unknown, now: Date): Promise<WireRequest> {
  const url = new URL(baseUrl.replace(/\/$/, '') + path);
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return wireRequest(url, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      client_code: creds.clientCode,
      timestamp,
      signature: await prakerjaSignature(creds.signKey, creds.clientCode, timestamp, url.pathname, body),
    },
    body,
  });
}
