import { errorFromTable, parseWire, send, transportError, type WireResponse } from '../shared/http.js';
import {
  AdapterError,
  type AdapterContext,
  type CompletionReport,
  type DeliveryReceipt,
  type PlatformAdapter,
  type RedeemRequest,
  type RedeemResult,
} from '../types.js';
import { KEMNAKER_ERRORS } from './errors.js';
import { verifyKemnakerCallback } from './callbacks.js';
import {
  gradeExternalId,
  KEMNAKER_PATHS,
  kemnakerRequest,
  randomExternalId,
  redeemExternalId,
  type KemnakerConfig,
} from './http.js';
import { formatWibDateTime, parseWibDateTime, toCanonicalVoucher } from './transformers.js';
import {
  KEMNAKER_MAX_PAGE_SIZE,
  KemnakerEnvelope,
  KemnakerGradeResponse,
  KemnakerInquiryResponse,
  KemnakerListResponse,
  KemnakerRedeemResponse,
  type KemnakerGradeBody,
  type KemnakerInquiryBody,
  type KemnakerListBody,
  type KemnakerRedeemBody,
} from './wire.js';

export type { KemnakerConfig } from './http.js';

const PLATFORM = 'kemnaker';
const DEFAULT_PAGE_SIZE = 50;

function responseCode(res: WireResponse): { code?: string; message?: string } {
  const body = KemnakerEnvelope.safeParse(res.json);
  return body.success ? { code: body.data.responseCode, message: body.data.responseMessage } : {};
}

function failure(res: WireResponse) {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const { code, message } = responseCode(res);
  // The first three digits of a SNAP code repeat the HTTP status. If they disagree, something
  // between us and Kemnaker rewrote the answer, and its case code cannot be trusted.
  if (code && code.slice(0, 3) !== String(res.status)) {
    return new AdapterError('unexpected_response', PLATFORM, `${PLATFORM} answered HTTP ${res.status} with responseCode ${code}`, {
      httpStatus: res.status,
      platformCode: code,
      retryable: false,
    });
  }
  return errorFromTable(PLATFORM, KEMNAKER_ERRORS, res, code, message);
}

/**
 * Kemnaker pages by number, so the gateway's cursor carries the page and its size. It also carries
 * the window, because a page number means nothing under another window; the size is fixed by the
 * first page so the offsets stay consistent.
 */
interface PageCursor {
  page: number;
  size: number;
  from: number;
  to: number;
}

const encodeCursor = (c: PageCursor) => btoa(JSON.stringify(c)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function decodeCursor(text: string): PageCursor | undefined {
  try {
    const c = JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/'))) as Partial<PageCursor>;
    const ints = [c.page, c.size, c.from, c.to].every((n) => Number.isSafeInteger(n));
    return ints && c.page! >= 1 && c.size! >= 1 && c.size! <= KEMNAKER_MAX_PAGE_SIZE ? (c as PageCursor) : undefined;
  } catch {
    return undefined;
  }
}

export function createKemnakerAdapter(cfg: KemnakerConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Kemnaker (Sisnaker)',
    voucherCodePattern: /^SK-[0-9]{4}-[0-9]{6}$/,

    async getVoucher(code) {
      const body: KemnakerInquiryBody = { voucherCode: code };
      const res = await send(ctx, PLATFORM, await kemnakerRequest(cfg, KEMNAKER_PATHS.inquiry, body, { externalId: randomExternalId(), now: now() }));
      if (res.status === 404 && responseCode(res).code === '4042601') return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, KemnakerInquiryResponse, res).voucherData);
    },

    async redeemVoucher(req: RedeemRequest): Promise<RedeemResult> {
      // Built only from the request, so a retry under the same key sends the same bytes and
      // Kemnaker replays the first answer rather than calling it a conflict.
      const body: KemnakerRedeemBody = {
        partnerReferenceNo: req.idempotencyKey,
        voucherCode: req.voucherCode,
        cardNumber: req.cardNumber,
        participantName: req.participantName,
        participantEmail: req.participantEmail,
      };
      const request = await kemnakerRequest(cfg, KEMNAKER_PATHS.redeem, body, { externalId: await redeemExternalId(req.idempotencyKey), now: now() });
      const res = await send(ctx, PLATFORM, request);
      if (res.status !== 200) throw failure(res);
      const data = parseWire(PLATFORM, KemnakerRedeemResponse, res);
      return { redeemedAt: parseWibDateTime(data.redeemDate)!, platformReference: data.referenceNo };
    },

    async reportCompletion(report: CompletionReport): Promise<DeliveryReceipt> {
      // Same rule as the redemption: only the report goes into the body, so a redelivery from the
      // outbox is byte-identical and Kemnaker replays its first answer.
      const body: KemnakerGradeBody = {
        partnerReferenceNo: report.idempotencyKey,
        voucherCode: report.voucherCode,
        nilai: report.score,
        hasil: report.outcome === 'passed' ? 'LULUS' : 'TIDAK LULUS',
        tanggalSelesai: formatWibDateTime(report.completedAt),
        ...(report.certificate ? { nomorSertifikat: report.certificate.number } : {}),
      };
      const request = await kemnakerRequest(cfg, KEMNAKER_PATHS.grade, body, { externalId: await gradeExternalId(report.idempotencyKey), now: now() });
      const res = await send(ctx, PLATFORM, request);
      if (res.status !== 200) throw failure(res);
      // Recorded, not yet accepted: Sisnaker's verdict arrives as a NILAI_DITERIMA / NILAI_DITOLAK notification.
      return { reference: parseWire(PLATFORM, KemnakerGradeResponse, res).referenceNo };
    },

    verifyCallback: verifyKemnakerCallback(cfg),

    async listVouchers({ from, to, cursor, limit }) {
      let c: PageCursor;
      if (cursor) {
        const decoded = decodeCursor(cursor);
        if (!decoded) throw new AdapterError('invalid_request', PLATFORM, 'kemnaker listing cursor is not one this adapter issued', { retryable: false });
        if (decoded.from !== from.getTime() || decoded.to !== to.getTime()) {
          throw new AdapterError('invalid_request', PLATFORM, 'kemnaker listing cursor belongs to another window', { retryable: false });
        }
        c = decoded;
      } else {
        c = { page: 1, size: Math.min(KEMNAKER_MAX_PAGE_SIZE, Math.max(1, Math.floor(limit ?? DEFAULT_PAGE_SIZE))), from: from.getTime(), to: to.getTime() };
      }
      // Kemnaker's dates have whole seconds: both ends are truncated the same way, so consecutive
      // windows [a, b), [b, c) still meet without a gap.
      const body: KemnakerListBody = { startDate: formatWibDateTime(from), endDate: formatWibDateTime(to), pageNo: c.page, pageSize: c.size };
      const res = await send(ctx, PLATFORM, await kemnakerRequest(cfg, KEMNAKER_PATHS.list, body, { externalId: randomExternalId(), now: now() }));
      if (res.status !== 200) throw failure(res);
      const data = parseWire(PLATFORM, KemnakerListResponse, res);
      return {
        items: data.vouchers.map(toCanonicalVoucher),
        nextCursor: c.page < data.totalPage ? encodeCursor({ ...c, page: c.page + 1 }) : undefined,
      };
    },
  };
}
