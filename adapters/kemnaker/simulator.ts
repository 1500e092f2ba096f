import { Hono, type Context } from 'hono';
import type { EnrollmentState } from '../../src/domain/types.js';
import { sha256Hex, timingSafeEqual } from '../shared/crypto.js';
import { invertStatusMap, SIM_TIMESTAMP_TOLERANCE_MS, SimulatorState, type SimRedeemRefusal, type SimVoucher } from '../shared/simulator-kit.js';
import { KEMNAKER_SUCCESS, type KemnakerResponseCode } from './errors.js';
import { KEMNAKER_PATHS, kemnakerSignature, minifyJson, type KemnakerConfig } from './http.js';
import { KEMNAKER_STATUS_MAP, type KemnakerStatus } from './status.js';
import { formatWibDateTime } from './transformers.js';
import type { KemnakerRedeemBody, KemnakerRedeemResponse, KemnakerVoucher } from './wire.js';

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
const SNAP_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?[+-]\d{2}:\d{2}$/;

/**
 * Sandbox Kemnaker implementing openapi/partners/kemnaker.yaml. It checks SNAP headers in SNAP's
 * order: mandatory (400xx02), format (400xx01), signature and clock (401xx00). It dedupes by
 * X-EXTERNAL-ID: a repeat with the same body gets the first answer back, and a repeat with a
 * different body is a 409xx00 Conflict. As in SimulatorState.once, only accepted calls are
 * remembered, so a refused call can be corrected and sent again.
 */
export function createKemnakerSimulator(cfg: Pick<KemnakerConfig, 'partnerId' | 'clientSecret'>, state = new SimulatorState('kemnaker'), now = () => new Date()) {
  const app = new Hono();
  const fingerprints = new Map<string, string>();

  const send = (c: Context, r: Reply) => c.json(r.body as object, r.status as 200);

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

  return { app, state };
}
