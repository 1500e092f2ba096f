import { PRAKERJA_PATHS, PRAKERJA_REPORT_PAGE } from '../http.js';
import { formatWib, parseWib } from '../time.js';
import { fromCertificateWire, type CertificateReport } from '../transformers.js';
import { CertificateReportBody, CompletionReportBody, RedemptionReportBody, ReportListBody, type ReportListItem, type ReportReceiptData } from '../wire.js';
import { ok, randomHex, refuse, send, type PrakerjaSimContext, type Reply } from './replies.js';
import type { SimEnrollmentReports } from './state.js';

/*
 * MODELLED: the facts a provider reports for an enrollment (redemption, completion, certificate),
 * each applied once per idempotency key, and the listing reconciliation pages through.
 */

const reportsOf = (r: SimEnrollmentReports) => [r.redemption, r.completion, r.certificate].filter((x) => x !== undefined);

/** Where an enrollment sits in the listing: its redemption's time, or the first report received without one. */
function listedAt(r: SimEnrollmentReports): number {
  return r.redemption?.report.redeemedAt.getTime() ?? Math.min(...reportsOf(r).map((x) => x.receivedAt.getTime()));
}

/** `<time>:<enrollment id>` of the last item served; opaque to the gateway. */
function decodeListCursor(cursor: string): { t: number; id: string } | undefined {
  const m = /^(\d{1,15}):(.+)$/.exec(cursor);
  return m ? { t: Number(m[1]), id: m[2] } : undefined;
}

function renderReports(id: string, r: SimEnrollmentReports): ReportListItem {
  const about = r.redemption?.report ?? r.completion?.report ?? r.certificate!.report;
  const received = (x: { reference: string; receivedAt: Date }) => ({ reference: x.reference, received_at: formatWib(x.receivedAt) });
  return {
    enrollment_id: id,
    voucher_code: about.voucherCode,
    platform: about.platform,
    redemption: r.redemption ? received(r.redemption) : null,
    completion: r.completion ? { ...received(r.completion), outcome: r.completion.report.outcome } : null,
    certificate: r.certificate ? received(r.certificate) : null,
  };
}

const receipt = (): ReportReceiptData => ({ reference: `PRJ-${randomHex(8).toUpperCase()}` });
// The wire schemas have already proved every WIB string parses.
const wib = (s: string) => parseWib(s)!;

type Context = { req: { path: string }; executionCtx: { waitUntil(p: Promise<unknown>): void } };

/** `onCertificate` runs prakerja.go.id's follow-up to a first certificate report (it may return a background delivery). */
export function mountReports({ app, state, now }: PrakerjaSimContext, onCertificate: (c: Context, report: CertificateReport) => void): void {
  /** Applies a report once per `idempotency_key`; a replay is recorded as not applied and gets the first reference back. */
  function applyOnce<T>(c: { req: { path: string } }, body: Record<string, unknown>, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, apply: (b: T) => Reply) {
    const key = typeof body.idempotency_key === 'string' && body.idempotency_key ? body.idempotency_key : undefined;
    return state.calls.once({ method: 'POST', path: c.req.path, idempotencyKey: key, body }, () => {
      const b = schema.safeParse(body);
      return b.success ? apply(b.data) : refuse('Request tidak valid');
    });
  }

  app.post(PRAKERJA_PATHS.reportRedemption, async (c) => {
    const reply = await applyOnce(c, c.get('body'), RedemptionReportBody, (b) => {
      const r = receipt();
      state.recordReport(b.enrollment_id, 'redemption', {
        ...r,
        receivedAt: now(),
        clientCode: c.get('clientCode'),
        report: {
          enrollmentId: b.enrollment_id,
          voucherCode: b.voucher_code,
          cardNumber: b.card_number,
          platform: b.platform,
          courseId: b.course_id,
          redeemedAt: wib(b.redeemed_at),
          idempotencyKey: b.idempotency_key,
        },
      });
      return ok(r);
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.reportCompletion, async (c) => {
    const reply = await applyOnce(c, c.get('body'), CompletionReportBody, (b) => {
      const r = receipt();
      state.recordReport(b.enrollment_id, 'completion', {
        ...r,
        receivedAt: now(),
        clientCode: c.get('clientCode'),
        report: {
          enrollmentId: b.enrollment_id,
          voucherCode: b.voucher_code,
          cardNumber: b.card_number,
          participantName: b.participant_name,
          platform: b.platform,
          courseId: b.course_id,
          outcome: b.outcome,
          score: b.score,
          completedAt: wib(b.completed_at),
          ...(b.certificate ? { certificate: fromCertificateWire(b.certificate) } : {}),
          idempotencyKey: b.idempotency_key,
        },
      });
      return ok(r);
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.reportCertificate, async (c) => {
    let applied: CertificateReport | undefined;
    const reply = await applyOnce(c, c.get('body'), CertificateReportBody, (b) => {
      // MODELLED: a certificate certifies a completion prakerja.go.id must already have.
      if (!state.reportsFor(b.enrollment_id).completion) return refuse('Laporan penyelesaian belum diterima');
      const r = receipt();
      applied = {
        enrollmentId: b.enrollment_id,
        voucherCode: b.voucher_code,
        cardNumber: b.card_number,
        platform: b.platform,
        certificate: fromCertificateWire(b.certificate),
        reviewedAt: wib(b.reviewed_at),
        idempotencyKey: b.idempotency_key,
      };
      state.recordReport(b.enrollment_id, 'certificate', { ...r, receivedAt: now(), report: applied, clientCode: c.get('clientCode') });
      return ok(r);
    });
    // Only a first delivery triggers prakerja.go.id's follow-up; a replay changes nothing.
    if (applied) onCertificate(c, applied);
    return send(c, reply);
  });

  /**
   * The sorted listings of the latest queries, reused while clients page through them (a
   * reconciliation asks for a hundred pages of one window, for several providers at once: one
   * cached listing made two providers' pages re-sort the whole set in turn); any new or removed
   * report makes them stale.
   */
  const sorted = new Map<string, { version: string; rows: Array<{ t: number; id: string; r: SimEnrollmentReports }> }>();
  const SORTED_KEPT = 8;
  function listing(clientCode: string, from: number, to: number) {
    const key = `${clientCode}|${from}|${to}`;
    const version = `${state.reportsVersion}|${state.reports.size}`;
    const cached = sorted.get(key);
    if (cached?.version === version) return cached.rows;
    const rows: Array<{ t: number; id: string; r: SimEnrollmentReports }> = [];
    for (const [id, r] of state.reports) {
      const t = listedAt(r);
      if (t >= from && t < to && reportsOf(r).some((x) => x.clientCode === clientCode)) rows.push({ t, id, r });
    }
    rows.sort((a, z) => a.t - z.t || (a.id < z.id ? -1 : a.id > z.id ? 1 : 0));
    sorted.delete(key);
    if (sorted.size >= SORTED_KEPT) sorted.delete(sorted.keys().next().value!);
    sorted.set(key, { version, rows });
    return rows;
  }

  // A read, paged through by reconciliation thousands of times: not kept in state.calls.
  app.post(PRAKERJA_PATHS.reportList, (c) => {
    const b = ReportListBody.safeParse(c.get('body'));
    if (!b.success) return send(c, refuse('Request tidak valid'));
    const position = b.data.cursor === undefined ? undefined : decodeListCursor(b.data.cursor);
    if (b.data.cursor !== undefined && !position) return send(c, refuse('Request tidak valid'));
    const rows = listing(c.get('clientCode'), wib(b.data.redeemed_from).getTime(), wib(b.data.redeemed_to).getTime());
    // First row after the cursor, by binary search over the (time, id) order.
    let lo = 0;
    if (position) {
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = rows[mid];
        if (m.t < position.t || (m.t === position.t && m.id <= position.id)) lo = mid + 1;
        else hi = mid;
      }
    }
    const page = rows.slice(lo, lo + (b.data.limit ?? PRAKERJA_REPORT_PAGE.default));
    const last = page[page.length - 1];
    return send(c, ok({ items: page.map(({ id, r }) => renderReports(id, r)), next_cursor: lo + page.length < rows.length ? `${last.t}:${last.id}` : null }));
  });
}
