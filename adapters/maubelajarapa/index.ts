/**
 * MauBelajarApa (maubelajarapa.com). It publishes no partner API: this contract is a MODEL,
 * written down in openapi/partners/maubelajarapa.yaml. What the seeds tell us: trainings are
 * workshops held at a scheduled time; the order page asks the buyer to type their identity by
 * hand (the riskiest names the gateway sees, so the name check matters most here); payment is
 * the card number and a 6-digit OTP; the confirmation shows an Order ID (the gateway's voucher
 * code), the workshop's name and time and the buyer's email. Attendance is at the scheduled
 * session, like prakerja.go.id's webinar window: check-in (the redemption) is accepted from 30
 * minutes before the session until its end.
 *
 * Auth (modelled): `Authorization: MBA-HMAC-SHA512 Key=<id>, Timestamp=<unix>, Signature=<b64>`
 * over `METHOD\npath?query\ntimestamp\nsha256hex(body)`; callbacks carry `X-MBA-Delivery`,
 * `X-MBA-Timestamp` and `X-MBA-Signature` = base64 HMAC-SHA512 over `timestamp\ndelivery\nbody`.
 */
import { timingSafeEqual } from '../shared/crypto.js';
import { readCallbackBody } from '../shared/events.js';
import { parseWire, send, tableFailure } from '../shared/http.js';
import { CALLBACK_TOLERANCE_MS, CallbackRejected, type AdapterContext, type PlatformAdapter, type VerifiedCallback } from '../types.js';
import { MBA_ERRORS } from './errors.js';
import { MBA_MAX_PAGE, MBA_PATHS, mbaCallbackSignature, mbaRequest, type MbaConfig } from './http.js';
import { MBA_EVENT_TRANSLATORS, toCanonicalVoucher } from './transformers.js';
import { isMbaEventType, MbaCallback, MbaCheckedIn, MbaError, MbaEventData, MbaOrder, MbaOrderPage, MbaResultAck, type MbaEventType, type MbaResultBody } from './wire.js';

export type { MbaConfig } from './http.js';

const PLATFORM = 'maubelajarapa';

const failure = tableFailure(PLATFORM, MBA_ERRORS, (res) => {
  const body = MbaError.safeParse(res.json);
  return body.success ? body.data : {};
});

export const MBA_CALLBACK_HEADERS = ['x-mba-delivery', 'x-mba-timestamp', 'x-mba-signature'] as const;

export async function verifyMbaCallback(secret: string, req: { headers: Headers; rawBody: string; receivedAt: Date }): Promise<VerifiedCallback> {
  const [delivery, ts, signature] = MBA_CALLBACK_HEADERS.map((h) => req.headers.get(h));
  if (!delivery || !ts || !signature) throw new CallbackRejected('missing_signature', 'X-MBA-Delivery, X-MBA-Timestamp and X-MBA-Signature are required');
  if (!/^\d{1,12}$/.test(ts)) throw new CallbackRejected('malformed', 'X-MBA-Timestamp is not Unix seconds');
  if (!timingSafeEqual(signature, await mbaCallbackSignature(secret, ts, delivery, req.rawBody))) throw new CallbackRejected('bad_signature', 'X-MBA-Signature does not match');
  const sentAt = new Date(Number(ts) * 1000);
  if (Math.abs(req.receivedAt.getTime() - sentAt.getTime()) > CALLBACK_TOLERANCE_MS) throw new CallbackRejected('stale_timestamp', `X-MBA-Timestamp ${ts} is more than ${CALLBACK_TOLERANCE_MS / 1000} s from now`);
  const body = readCallbackBody(MbaCallback, req.rawBody, { notJson: 'body is not JSON', notEnvelope: 'body is not { event, payload }' });
  if (!isMbaEventType(body.event)) return { eventId: delivery, platformType: body.event, occurredAt: sentAt, event: { kind: 'unknown', platformType: body.event } };
  const { event, at } = translate(body.event, body.payload);
  return { eventId: delivery, platformType: body.event, occurredAt: at, event };
}

function translate<T extends MbaEventType>(type: T, data: unknown) {
  const parsed = MbaEventData[type].safeParse(data);
  if (!parsed.success) throw new CallbackRejected('malformed', `${type} payload does not match the contract: ${parsed.error.message.slice(0, 300)}`);
  // TypeScript cannot correlate the schema and the translator picked by the same key; the record type keeps them in step.
  return (MBA_EVENT_TRANSLATORS[type] as (d: unknown) => ReturnType<(typeof MBA_EVENT_TRANSLATORS)[MbaEventType]>)(parsed.data);
}

export function createMbaAdapter(cfg: MbaConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'MauBelajarApa',
    voucherCodePattern: /^MBA-[0-9]{8}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'GET', MBA_PATHS.order(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, MbaOrder, res));
    },

    async redeemVoucher(req) {
      const body = { card_number: req.cardNumber, participant_name: req.participantName, participant_email: req.participantEmail };
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'POST', MBA_PATHS.checkIn(req.voucherCode), { body, idempotencyKey: req.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      const d = parseWire(PLATFORM, MbaCheckedIn, res);
      return { redeemedAt: new Date(d.checked_in_at), platformReference: d.check_in_id };
    },

    async reportCompletion(report) {
      const body: MbaResultBody = {
        result: report.outcome === 'passed' ? 'PASSED' : 'NOT_PASSED',
        score: report.score,
        finished_at: report.completedAt.toISOString(),
        certificate_no: report.certificate?.number ?? null,
        certificate_url: report.certificate?.url ?? null,
      };
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'POST', MBA_PATHS.result(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, MbaResultAck, res).result_id };
    },

    verifyCallback(req) {
      return verifyMbaCallback(cfg.secret, req);
    },

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ changed_since: from.toISOString(), changed_before: to.toISOString() });
      if (limit !== undefined) q.set('page_size', String(Math.min(Math.max(1, Math.floor(limit)), MBA_MAX_PAGE)));
      if (cursor) q.set('page_token', cursor);
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'GET', `${MBA_PATHS.orders}?${q}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, MbaOrderPage, res);
      return { items: page.orders.map(toCanonicalVoucher), nextCursor: page.next_page_token ?? undefined };
    },
  };
}
