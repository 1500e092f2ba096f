/**
 * Pijar Mahir (pijarmahir.id). Pijar Mahir publishes no partner API: this contract is a MODEL,
 * written down in openapi/partners/pijarmahir.yaml, shaped by what the seeds tell us. The buyer
 * pays with the card number and an OTP, presses "Mulai Belajar" and learns on Pijar Mahir's own
 * learning system: there is no voucher for the provider to redeem (DeliveryShape
 * `platform_delivered`). Pijar Mahir tells the gateway of the purchase, the start, progress and
 * completion by signed callbacks; the provider confirms the outcome and issues the certificate
 * through the gateway, which forwards it here (`reportCompletion`).
 *
 * Auth (modelled): every request carries `X-Pijar-Key` and `X-Pijar-Signature: t=<unix>,v1=<hex>`,
 * HMAC-SHA256 over `t.METHOD.path?query.body`; callbacks carry `Pijar-Event-Id` and
 * `Pijar-Signature: t=…,v1=…` over `t.body`, with the same partner secret, ±5 minutes.
 */
import { timingSafeEqual } from '../shared/crypto.js';
import { readCallbackBody } from '../shared/events.js';
import { parseWire, send, tableFailure } from '../shared/http.js';
import { AdapterError, CALLBACK_TOLERANCE_MS, CallbackRejected, type AdapterContext, type PlatformAdapter, type VerifiedCallback } from '../types.js';
import { PIJAR_ERRORS } from './errors.js';
import { parseSignatureHeader, PIJAR_MAX_PAGE, PIJAR_PATHS, pijarCallbackSignature, pijarRequest, type PijarConfig } from './http.js';
import { PIJAR_EVENT_TRANSLATORS, toCanonicalVoucher } from './transformers.js';
import { isPijarEventType, PijarAck, PijarCallback, PijarEnvelope, PijarError, PijarEventData, PijarPage, type PijarCompletionBody, type PijarEventType } from './wire.js';

export type { PijarConfig } from './http.js';

const PLATFORM = 'pijarmahir';

const failure = tableFailure(PLATFORM, PIJAR_ERRORS, (res) => {
  const body = PijarError.safeParse(res.json);
  return body.success ? body.data.error : {};
});

export const PIJAR_CALLBACK_HEADERS = { id: 'pijar-event-id', signature: 'pijar-signature' } as const;

export async function verifyPijarCallback(secret: string, req: { headers: Headers; rawBody: string; receivedAt: Date }): Promise<VerifiedCallback> {
  const id = req.headers.get(PIJAR_CALLBACK_HEADERS.id);
  const header = req.headers.get(PIJAR_CALLBACK_HEADERS.signature);
  if (!id || !header) throw new CallbackRejected('missing_signature', 'Pijar-Event-Id and Pijar-Signature are required');
  const { t, v1 } = parseSignatureHeader(header);
  if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0) throw new CallbackRejected('malformed', 'Pijar-Signature is not t=<unix>,v1=<hex>');
  const sentAt = new Date(Number(t) * 1000);
  if (Math.abs(req.receivedAt.getTime() - sentAt.getTime()) > CALLBACK_TOLERANCE_MS) throw new CallbackRejected('stale_timestamp', `Pijar-Signature t=${t} is more than ${CALLBACK_TOLERANCE_MS / 1000} s from now`);
  const expected = await pijarCallbackSignature(secret, t, req.rawBody);
  // Every offered v1 is compared, so the time taken says nothing about which one matched.
  let valid = false;
  for (const sig of v1) valid = timingSafeEqual(sig, expected) || valid;
  if (!valid) throw new CallbackRejected('bad_signature', 'no v1 signature matches');

  const body = readCallbackBody(PijarCallback, req.rawBody, { notJson: 'body is not JSON', notEnvelope: 'body is not a {id, type, created_at, data} callback' });
  if (body.id !== id) throw new CallbackRejected('malformed', 'Pijar-Event-Id differs from the body id');
  const { type, data } = body;
  if (!isPijarEventType(type)) return { eventId: id, platformType: type, occurredAt: new Date(body.created_at), event: { kind: 'unknown', platformType: type } };
  const { event, at } = translate(type, data);
  return { eventId: id, platformType: type, occurredAt: at, event };
}

function translate<T extends PijarEventType>(type: T, data: unknown) {
  const parsed = PijarEventData[type].safeParse(data);
  if (!parsed.success) throw new CallbackRejected('malformed', `${type} data does not match the contract: ${parsed.error.message.slice(0, 300)}`);
  // TypeScript cannot correlate the schema and the translator picked by the same key; the record type keeps them in step.
  return (PIJAR_EVENT_TRANSLATORS[type] as (d: unknown) => ReturnType<(typeof PIJAR_EVENT_TRANSLATORS)[PijarEventType]>)(parsed.data);
}

export function createPijarAdapter(cfg: PijarConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Pijar Mahir',
    voucherCodePattern: /^PJR-[0-9A-Z]{10}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await pijarRequest(cfg, 'GET', PIJAR_PATHS.enrollment(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, PijarEnvelope, res).data);
    },

    async redeemVoucher() {
      // Platform-delivered: the participant starts on Pijar Mahir and the gateway hears of it by
      // callback. A provider asking to redeem has misread the voucher; nothing is sent.
      throw new AdapterError('invalid_request', PLATFORM, 'Pijar Mahir delivers its trainings itself: there is no voucher to redeem; the enrollment starts with its enrollment.started callback', { retryable: false });
    },

    async reportCompletion(report) {
      const c = report.certificate;
      const body: PijarCompletionBody = {
        result: report.outcome === 'passed' ? 'LULUS' : 'TIDAK_LULUS',
        score: report.score,
        completed_at: report.completedAt.toISOString(),
        certificate: c ? { number: c.number, issued_at: c.issuedAt.toISOString(), url: c.url, sha256: c.sha256 } : null,
      };
      const res = await send(ctx, PLATFORM, await pijarRequest(cfg, 'POST', PIJAR_PATHS.completion(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, PijarAck, res).data.confirmation_id };
    },

    verifyCallback(req) {
      return verifyPijarCallback(cfg.secret, req);
    },

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ updated_from: from.toISOString(), updated_to: to.toISOString() });
      if (limit !== undefined) q.set('limit', String(Math.min(Math.max(1, Math.floor(limit)), PIJAR_MAX_PAGE)));
      if (cursor) q.set('cursor', cursor);
      const res = await send(ctx, PLATFORM, await pijarRequest(cfg, 'GET', `${PIJAR_PATHS.enrollments}?${q}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, PijarPage, res);
      return { items: page.data.map(toCanonicalVoucher), nextCursor: page.next_cursor ?? undefined };
    },
  };
}
