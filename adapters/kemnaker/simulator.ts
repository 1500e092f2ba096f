import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { EnrollmentState } from '../../src/contract/canonical.js';
import { sha256Hex, timingSafeEqual } from '../shared/crypto.js';
import {
  deliverOrReturn,
  invertStatusMap,
  SIM_TIMESTAMP_TOLERANCE_MS,
  SimCallbackEventJson,
  simCallbackEvent,
  SimulatorState,
  type CallbackSigner,
  type SimCallbackEvent,
  type SimCallbackTarget,
  type SimCompletionRefusal,
  type SimRedeemRefusal,
  type SimVoucher,
} from '../shared/simulator-kit.js';
import { KEMNAKER_SUCCESS, type KemnakerResponseCode } from './errors.js';
import { KEMNAKER_EVENT_WORD } from './events.js';
import { KEMNAKER_CALLBACK_PATH, KEMNAKER_PATHS, kemnakerSignature, minifyJson, randomExternalId, SNAP_TIMESTAMP, type KemnakerConfig } from './http.js';
import { KEMNAKER_STATUS_MAP, type KemnakerStatus } from './status.js';
import { formatSnapTimestamp, formatWibDateTime, parseWibDateTime } from './transformers.js';
import {
  KEMNAKER_GRADE_RESULTS,
  KEMNAKER_MAX_PAGE_SIZE,
  type KemnakerExpiryData,
  type KemnakerGradeAcceptedData,
  type KemnakerGradeBody,
  type KemnakerGradeRejectedData,
  type KemnakerGradeResponse,
  type KemnakerListResponse,
  type KemnakerRedeemBody,
  type KemnakerRedeemResponse,
  type KemnakerRefundData,
  type KemnakerReviewData,
  type KemnakerVoucher,
} from './wire.js';

const STATUS_OF = invertStatusMap(KEMNAKER_STATUS_MAP);

/**
 * States Kemnaker has no word for: it has no review step, and `reported` is the gateway's own step
 * towards prakerja.go.id. In both cases Kemnaker still shows where it last saw the participant.
 */
const UNSEEN: Partial<Record<EnrollmentState, KemnakerStatus>> = { reviewed: 'Selesai', reported: 'Lulus' };

const statusWord = (v: SimVoucher): KemnakerStatus => UNSEEN[v.state] ?? (STATUS_OF.get(v.state) as KemnakerStatus);

const REFUSALS = {
  not_found: [404, '4042601', 'Transaction Not Found'],
  card_mismatch: [404, '4042611', 'Invalid Card [cardNumber]'],
  refunded: [404, '4042604', 'Transaction Cancelled'],
  expired: [403, '4032600', 'Transaction Expired'],
  already_redeemed: [409, '4092602', 'Voucher Already Redeemed'],
} as const satisfies Record<SimRedeemRefusal, readonly [number, KemnakerResponseCode, string]>;

/** How Sisnaker refuses a grade. */
const GRADE_REFUSALS = {
  not_found: [404, '4042601', 'Transaction Not Found'],
  refunded: [404, '4042604', 'Transaction Cancelled'],
  not_redeemed: [403, '4032615', 'Transaction Not Permitted. Voucher not redeemed'],
  expired: [403, '4032615', 'Transaction Not Permitted. Voucher not redeemed'],
  already_completed: [409, '4092603', 'Grade Already Submitted'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, KemnakerResponseCode, string]>;

function render(v: SimVoucher): KemnakerVoucher {
  return {
    voucherCode: v.code,
    status: statusWord(v),
    buyerName: v.buyerName.toUpperCase(),
    buyerEmail: v.buyerEmail,
    cardNumber: v.cardNumber,
    course: { courseId: v.courseId, courseName: v.courseTitle, providerId: v.providerId },
    purchaseDate: formatWibDateTime(v.purchasedAt),
    expiryDate: formatWibDateTime(v.expiresAt),
    redeemDate: v.redeemedAt ? formatWibDateTime(v.redeemedAt) : null,
    updateDate: formatWibDateTime(v.updatedAt ?? v.purchasedAt),
  };
}

type Reply = { status: number; body: unknown };
const reply = (status: number, responseCode: KemnakerResponseCode, responseMessage: string, rest: object = {}): Reply => ({ status, body: { responseCode, responseMessage, ...rest } });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const MANDATORY_HEADERS = ['X-TIMESTAMP', 'X-PARTNER-ID', 'X-EXTERNAL-ID', 'CHANNEL-ID', 'X-SIGNATURE'] as const;

/** Sisnaker's verdict on a grade; a graded voucher without one is still pending. */
export interface GradeDecision {
  decision: 'accepted' | 'rejected';
  at: Date;
  reason?: string;
}

export interface KemnakerSimulatorOptions {
  /**
   * Where `/_sandbox/emit` delivers notifications. Kemnaker signs the path of this URL, so it must
   * be the path the gateway sees. Without it, emit answers with the signed notification instead.
   */
  callback?: SimCallbackTarget;
}

/**
 * Sandbox Kemnaker implementing openapi/partners/kemnaker.yaml. It checks SNAP headers in SNAP's
 * order: mandatory (400xx02), format (400xx01), signature and clock (401xx00). It dedupes by
 * X-EXTERNAL-ID: a repeat with the same body gets the first answer back, and a repeat with a
 * different body is a 409xx00 Conflict. As in SimulatorState.once, only accepted calls are
 * remembered, so a refused call can be corrected and sent again.
 */
export function createKemnakerSimulator(
  cfg: Pick<KemnakerConfig, 'partnerId' | 'clientSecret'>,
  state = new SimulatorState('kemnaker'),
  now = () => new Date(),
  opts: KemnakerSimulatorOptions = {},
) {
  const app = new Hono();
  const fingerprints = new Map<string, string>();
  const gradeDecisions = new Map<string, GradeDecision>();
  /** The last grade reference per voucher, quoted back in NILAI_DITERIMA / NILAI_DITOLAK. */
  const gradeRefs = new Map<string, string>();
  const callbackUrl = opts.callback ? new URL(opts.callback.url) : undefined;
  const callbackPath = callbackUrl ? callbackUrl.pathname + callbackUrl.search : KEMNAKER_CALLBACK_PATH;

  const send = (c: Context, r: Reply) => c.json(r.body as object, r.status as 200);

  /** The notification body in Kemnaker's words: Indonesian event names, WIB dates, upper-case names. */
  function notification(e: SimCallbackEvent): { jenisEvent: string; data: unknown } {
    switch (e.kind) {
      case 'purchase.made':
        return { jenisEvent: KEMNAKER_EVENT_WORD[e.kind], data: render(e.voucher) };
      case 'review.submitted':
        return { jenisEvent: KEMNAKER_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, rating: e.rating, ulasan: e.review, tanggalUlasan: formatWibDateTime(e.reviewedAt) } satisfies z.input<typeof KemnakerReviewData> };
      case 'completion.accepted':
        return { jenisEvent: KEMNAKER_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, referenceNo: gradeRefs.get(e.voucherCode), tanggalDiterima: formatWibDateTime(e.at) } satisfies z.input<typeof KemnakerGradeAcceptedData> };
      case 'completion.rejected':
        return {
          jenisEvent: KEMNAKER_EVENT_WORD[e.kind],
          data: { voucherCode: e.voucherCode, referenceNo: gradeRefs.get(e.voucherCode), alasan: e.reason, tanggalDitolak: formatWibDateTime(e.at) } satisfies z.input<typeof KemnakerGradeRejectedData>,
        };
      case 'voucher.expired':
        return { jenisEvent: KEMNAKER_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, tanggalKedaluwarsa: formatWibDateTime(e.at) } satisfies z.input<typeof KemnakerExpiryData> };
      case 'voucher.refunded':
        return { jenisEvent: KEMNAKER_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, tanggalPengembalian: formatWibDateTime(e.at) } satisfies z.input<typeof KemnakerRefundData> };
      case 'raw':
        return { jenisEvent: e.platformType, data: e.payload };
    }
  }

  /** Signs as SNAP BI notifications are signed: the same symmetric form as requests, over the callback path. */
  const callback: CallbackSigner = async (event, o = {}) => {
    const eventId = o.eventId ?? randomExternalId();
    const timestamp = formatSnapTimestamp(o.at ?? now());
    const body = JSON.stringify(notification(event));
    return {
      eventId,
      headers: {
        'content-type': 'application/json',
        'x-timestamp': timestamp,
        'x-partner-id': cfg.partnerId,
        'x-external-id': eventId,
        'x-signature': await kemnakerSignature(cfg.clientSecret, 'POST', callbackPath, body, timestamp),
      },
      body,
    };
  };

  /** What happened at Kemnaker before it tells the gateway; false when the voucher is unknown. */
  function apply(e: SimCallbackEvent): boolean {
    if (!state.applyEvent(e, now())) return false;
    // A verdict leaves the voucher where the grade put it; only the decision is new.
    if (e.kind === 'completion.accepted') gradeDecisions.set(e.voucherCode, { decision: 'accepted', at: e.at });
    if (e.kind === 'completion.rejected') gradeDecisions.set(e.voucherCode, { decision: 'rejected', at: e.at, reason: e.reason });
    return true;
  }

  // Sandbox-only door, registered before the SNAP check so it needs no signature: it plays
  // Kemnaker's side of a notification, which no partner credential could authorise.
  app.post('/_sandbox/emit', async (c) => {
    const parsed = SimCallbackEventJson.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid_event', message: parsed.error.message.slice(0, 500) }, 400);
    const event = simCallbackEvent(parsed.data, now());
    if (!apply(event)) return c.json({ error: 'voucher_not_found', message: 'no such voucher at this simulator' }, 404);
    const signed = await callback(event);
    try {
      return c.json(await deliverOrReturn(opts.callback, signed));
    } catch (e) {
      return c.json({ eventId: signed.eventId, error: `gateway unreachable: ${(e as Error).message}` }, 502);
    }
  });

  app.use('*', async (c, next) => {
    for (const name of MANDATORY_HEADERS) if (!c.req.header(name)) return send(c, reply(400, '4002602', `Invalid Mandatory Field [${name}]`));
    const ts = c.req.header('x-timestamp')!;
    const at = Date.parse(ts);
    if (!SNAP_TIMESTAMP.test(ts) || Number.isNaN(at)) return send(c, reply(400, '4002601', 'Invalid Field Format [X-TIMESTAMP]'));
    if (!/^\d{1,36}$/.test(c.req.header('x-external-id')!)) return send(c, reply(400, '4002601', 'Invalid Field Format [X-EXTERNAL-ID]'));
    const url = new URL(c.req.url);
    const expected = await kemnakerSignature(cfg.clientSecret, c.req.method, url.pathname + url.search, await c.req.raw.clone().text(), ts);
    if (c.req.header('x-partner-id') !== cfg.partnerId || !timingSafeEqual(c.req.header('x-signature')!, expected)) {
      return send(c, reply(401, '4012600', 'Unauthorized. Signature'));
    }
    if (Math.abs(now().getTime() - at) > SIM_TIMESTAMP_TOLERANCE_MS) return send(c, reply(401, '4012600', 'Unauthorized. X-TIMESTAMP out of range'));
    await next();
  });

  /** SNAP dedupe by X-EXTERNAL-ID, recorded through SimulatorState.once. */
  async function once(c: Context, raw: string, body: unknown, apply: () => Reply): Promise<Reply> {
    const externalId = c.req.header('x-external-id')!;
    const fingerprint = await sha256Hex(`${c.req.method}:${c.req.path}:${minifyJson(raw)}`);
    const first = fingerprints.get(externalId);
    if (first !== undefined && first !== fingerprint) {
      state.received.push({ at: now(), method: c.req.method, path: c.req.path, idempotencyKey: externalId, body, applied: false });
      return reply(409, '4092600', 'Conflict');
    }
    const r = await state.once({ method: c.req.method, path: c.req.path, idempotencyKey: externalId, body }, apply);
    if (r.status < 400 && first === undefined) fingerprints.set(externalId, fingerprint);
    return r;
  }

  app.post(KEMNAKER_PATHS.inquiry, async (c) => {
    const raw = await c.req.text();
    const body = parseJson(raw) as { voucherCode?: unknown } | null;
    if (typeof body?.voucherCode !== 'string') return send(c, reply(400, '4002602', 'Invalid Mandatory Field [voucherCode]'));
    const code = body.voucherCode;
    return send(c, await once(c, raw, body, () => {
      const v = state.vouchers.get(code);
      return v ? reply(200, KEMNAKER_SUCCESS, 'Successful', { voucherData: render(v) }) : reply(404, '4042601', 'Transaction Not Found');
    }));
  });

  app.post(KEMNAKER_PATHS.redeem, async (c) => {
    const raw = await c.req.text();
    const body = parseJson(raw) as Partial<KemnakerRedeemBody> | null;
    for (const field of ['partnerReferenceNo', 'voucherCode', 'cardNumber'] as const) {
      if (typeof body?.[field] !== 'string' || !body[field]) return send(c, reply(400, '4002602', `Invalid Mandatory Field [${field}]`));
    }
    const { partnerReferenceNo, voucherCode, cardNumber } = body as KemnakerRedeemBody;
    return send(c, await once(c, raw, body, () => {
      const r = state.redeem(voucherCode, cardNumber, now());
      if (!r.ok) {
        const [status, code, message] = REFUSALS[r.reason];
        return reply(status, code, message);
      }
      const ok: Omit<KemnakerRedeemResponse, 'responseCode' | 'responseMessage'> = {
        referenceNo: `SK-RDM-${r.voucher.code}`,
        partnerReferenceNo,
        voucherCode: r.voucher.code,
        status: 'Diterima',
        redeemDate: formatWibDateTime(r.voucher.redeemedAt!),
      };
      return reply(200, KEMNAKER_SUCCESS, 'Successful', ok);
    }));
  });

  app.post(KEMNAKER_PATHS.grade, async (c) => {
    const raw = await c.req.text();
    const body = parseJson(raw) as Partial<Record<keyof KemnakerGradeBody, unknown>> | null;
    for (const field of ['partnerReferenceNo', 'voucherCode', 'nilai', 'hasil', 'tanggalSelesai'] as const) {
      if (body?.[field] === undefined || body[field] === null || body[field] === '') return send(c, reply(400, '4002602', `Invalid Mandatory Field [${field}]`));
    }
    const b = body!;
    if (typeof b.partnerReferenceNo !== 'string') return send(c, reply(400, '4002601', 'Invalid Field Format [partnerReferenceNo]'));
    if (typeof b.voucherCode !== 'string') return send(c, reply(400, '4002601', 'Invalid Field Format [voucherCode]'));
    if (typeof b.nilai !== 'number' || !(b.nilai >= 0 && b.nilai <= 100)) return send(c, reply(400, '4002601', 'Invalid Field Format [nilai]'));
    if (!KEMNAKER_GRADE_RESULTS.includes(b.hasil as never)) return send(c, reply(400, '4002601', 'Invalid Field Format [hasil]'));
    const completedAt = typeof b.tanggalSelesai === 'string' ? parseWibDateTime(b.tanggalSelesai) : undefined;
    if (!completedAt) return send(c, reply(400, '4002601', 'Invalid Field Format [tanggalSelesai]'));
    if (b.nomorSertifikat !== undefined && (typeof b.nomorSertifikat !== 'string' || !b.nomorSertifikat)) return send(c, reply(400, '4002601', 'Invalid Field Format [nomorSertifikat]'));
    const grade = b as KemnakerGradeBody;

    return send(c, await once(c, raw, body, () => {
      const at = now();
      const completion: NonNullable<SimVoucher['completion']> = { outcome: grade.hasil === 'LULUS' ? 'passed' : 'failed', score: grade.nilai, completedAt, certificateNumber: grade.nomorSertifikat };
      // A rejected grade may be replaced; a pending or accepted one may not.
      const r = state.complete(grade.voucherCode, completion, at, { replacing: gradeDecisions.get(grade.voucherCode)?.decision === 'rejected' });
      if (!r.ok) {
        const [status, code, message] = GRADE_REFUSALS[r.reason];
        return reply(status, code, message);
      }
      const v = r.voucher;
      gradeDecisions.delete(v.code);
      const referenceNo = `SK-NLI-${v.code}-${at.getTime()}`;
      gradeRefs.set(v.code, referenceNo);
      const ok: Omit<KemnakerGradeResponse, 'responseCode' | 'responseMessage'> = { referenceNo, partnerReferenceNo: grade.partnerReferenceNo, voucherCode: v.code, status: statusWord(v) };
      return reply(200, KEMNAKER_SUCCESS, 'Successful', ok);
    }));
  });

  app.post(KEMNAKER_PATHS.list, async (c) => {
    const raw = await c.req.text();
    const body = parseJson(raw) as Record<string, unknown> | null;
    for (const field of ['startDate', 'endDate', 'pageNo', 'pageSize'] as const) {
      if (body?.[field] === undefined || body[field] === null || body[field] === '') return send(c, reply(400, '4002602', `Invalid Mandatory Field [${field}]`));
    }
    const from = typeof body!.startDate === 'string' ? parseWibDateTime(body!.startDate) : undefined;
    const to = typeof body!.endDate === 'string' ? parseWibDateTime(body!.endDate) : undefined;
    if (!from) return send(c, reply(400, '4002601', 'Invalid Field Format [startDate]'));
    if (!to) return send(c, reply(400, '4002601', 'Invalid Field Format [endDate]'));
    const { pageNo, pageSize } = body as { pageNo: unknown; pageSize: unknown };
    if (!Number.isSafeInteger(pageNo) || (pageNo as number) < 1) return send(c, reply(400, '4002601', 'Invalid Field Format [pageNo]'));
    if (!Number.isSafeInteger(pageSize) || (pageSize as number) < 1 || (pageSize as number) > KEMNAKER_MAX_PAGE_SIZE) return send(c, reply(400, '4002601', 'Invalid Field Format [pageSize]'));
    const page = pageNo as number;
    const size = pageSize as number;

    return send(c, await once(c, raw, body, () => {
      const all = state.changedBetween(from, to);
      const ok: Omit<KemnakerListResponse, 'responseCode' | 'responseMessage'> = {
        pageNo: page,
        pageSize: size,
        totalPage: Math.ceil(all.length / size),
        totalData: all.length,
        vouchers: all.slice((page - 1) * size, page * size).map(render),
      };
      return reply(200, KEMNAKER_SUCCESS, 'Successful', ok);
    }));
  });

  return { app, state, callback, gradeDecisions };
}
