import type { Participant } from '../../src/domain/types.js';
import type { RedeemCodeStatus, VerificationUrl } from '../types.js';
import { PRAKERJA_COURSE_TYPES } from './status.js';
import { parseWib, parseWibRange } from './time.js';
import type { ParticipantData, RedeemCodeStatusData, UrlGenerateData } from './wire.js';

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
