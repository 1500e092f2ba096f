import type { z } from 'zod';
import type { Participant } from '../../src/contract/canonical.js';
import type { Certificate, PrakerjaAdapter, PrakerjaRedemptionReport, PrakerjaReportView, RedeemCodeStatus, TaskState, TaskSubmission, VerificationUrl } from '../types.js';
import { PRAKERJA_COURSE_TYPES, PRAKERJA_TASK_STATES } from './status.js';
import { formatWib, parseWib, parseWibRange } from './time.js';
import type {
  CertificateReportBody,
  CertificateWire,
  CompletionReportBody,
  ParticipantData,
  RedeemCodeStatusData,
  RedemptionReportBody,
  ReportListItem,
  TaskFeedbackBody,
  TaskStatusData,
  TaskSubmissionBody,
  UrlGenerateData,
} from './wire.js';

/** prakerja.go.id wire → canonical. The wire schema already proved the WIB strings parse. */
export function toRedeemCodeStatus(d: RedeemCodeStatusData): RedeemCodeStatus {
  const schedule = d.schedule_start_end ? parseWibRange(d.schedule_start_end) : undefined;
  return {
    redeemCode: d.redeem_code,
    sequence: d.sequence,
    courseCode: d.course_code,
    invoiceCode: d.invoice_code,
    scheduleCode: d.schedule_code ?? '',
    rawStatus: String(d.status),
    attendanceStatus: String(d.attendance_status),
    redeemedAt: d.redeem_at ? parseWib(d.redeem_at) : undefined,
    dpPlatform: d.dp_platform,
    scheduleStart: schedule?.start,
    scheduleEnd: schedule?.end,
    courseType: PRAKERJA_COURSE_TYPES[d.course_type],
    courseTypeLabel: d.course_type_label,
    learningMethod: d.course_learning_method,
    isOnlineAttendance: d.is_online_attendance,
  };
}

export function toVerificationUrl(d: UrlGenerateData): VerificationUrl {
  return { url: d.url, state: d.state, course: { type: String(d.course.type), learningMethod: d.course.learning_method } };
}

export function toParticipant(d: ParticipantData): Participant {
  return { cardNumber: d.card_number, name: d.name, status: d.status };
}

export function toTaskStatus(d: TaskStatusData): { assignment: TaskState; feedback: TaskState } {
  return { assignment: PRAKERJA_TASK_STATES[d.assignment.status], feedback: PRAKERJA_TASK_STATES[d.feedback.status] };
}

export function taskSubmissionBody(t: TaskSubmission): TaskSubmissionBody {
  return { redeem_code: t.redeemCode, scope: t.scope, sequence: t.sequence, url_file: t.fileUrl };
}

export function taskFeedbackBody(t: TaskSubmission & { notes: string }): TaskFeedbackBody {
  return { ...taskSubmissionBody(t), notes: t.notes };
}

/*
 * Canonical → wire for the MODELLED reports. Each body is built from the report alone, so a
 * redelivery from the outbox sends the same bytes under the same idempotency key.
 */

export type CertificateReport = Parameters<PrakerjaAdapter['reportCertificate']>[1];

function certificateWire(c: Certificate): z.input<typeof CertificateWire> {
  return { number: c.number, issued_at: formatWib(c.issuedAt), url: c.url, sha256: c.sha256 };
}

export function redemptionReportBody(r: PrakerjaRedemptionReport): RedemptionReportBody {
  return {
    enrollment_id: r.enrollmentId,
    voucher_code: r.voucherCode,
    card_number: r.cardNumber,
    platform: r.platform,
    course_id: r.courseId,
    redeemed_at: formatWib(r.redeemedAt),
    idempotency_key: r.idempotencyKey,
  };
}

export function completionReportBody(r: Parameters<PrakerjaAdapter['reportCompletion']>[1]): CompletionReportBody {
  return {
    enrollment_id: r.enrollmentId,
    voucher_code: r.voucherCode,
    card_number: r.cardNumber,
    participant_name: r.participantName,
    platform: r.platform,
    course_id: r.courseId,
    outcome: r.outcome,
    score: r.score,
    completed_at: formatWib(r.completedAt),
    ...(r.certificate ? { certificate: certificateWire(r.certificate) } : {}),
    idempotency_key: r.idempotencyKey,
  };
}

export function certificateReportBody(r: CertificateReport): CertificateReportBody {
  return {
    enrollment_id: r.enrollmentId,
    voucher_code: r.voucherCode,
    card_number: r.cardNumber,
    platform: r.platform,
    certificate: certificateWire(r.certificate),
    reviewed_at: formatWib(r.reviewedAt),
    idempotency_key: r.idempotencyKey,
  };
}

/** Wire certificate → canonical; the sandbox uses it to keep what it received in canonical terms. */
export function fromCertificateWire(c: z.output<typeof CertificateWire>): Certificate {
  return { number: c.number, issuedAt: parseWib(c.issued_at)!, url: c.url, sha256: c.sha256 };
}

/** The furthest report prakerja.go.id holds decides its view of the enrollment. */
export function toReportView(i: ReportListItem): PrakerjaReportView {
  const state = i.certificate ? 'reported' : i.completion ? (i.completion.outcome === 'passed' ? 'completed' : 'failed') : 'redeemed';
  return { enrollmentId: i.enrollment_id, voucherCode: i.voucher_code, platform: i.platform, state };
}
