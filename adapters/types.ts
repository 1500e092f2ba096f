import type { CanonicalVoucher, Participant, PlatformId } from '../src/domain/types.js';

/** What the gateway calls outbound with: web-standard fetch (undici's pool on Node, native on Workers). */
export type Fetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Canonical adapter errors. Each adapter maps its platform's error bodies to one of these in a
 * single data table (`errors.ts`), with the decision whether a retry can help.
 */
export const ADAPTER_ERROR_KINDS = [
  'voucher_not_found',
  'voucher_already_redeemed',
  'voucher_expired',
  'voucher_refunded',
  'invalid_request',
  'auth_failed',
  'rate_limited',
  'platform_unavailable',
  'timeout',
  'unexpected_response',
] as const;
export type AdapterErrorKind = (typeof ADAPTER_ERROR_KINDS)[number];

export class AdapterError extends Error {
  constructor(
    readonly kind: AdapterErrorKind,
    readonly platform: string,
    message: string,
    readonly detail: { httpStatus?: number; platformCode?: string; retryable: boolean; retryAfterMs?: number } = { retryable: false },
  ) {
    super(message);
    this.name = 'AdapterError';
  }
  get retryable(): boolean {
    return this.detail.retryable;
  }
}

export interface RedeemRequest {
  voucherCode: string;
  cardNumber: string;
  participantName: string;
  participantEmail: string;
  /** Stable per voucher: a repeated call after a timeout is harmless at the platform. */
  idempotencyKey: string;
}

export interface RedeemResult {
  redeemedAt: Date;
  /** The platform's own reference for the redemption, kept for operators. */
  platformReference: string;
}

/**
 * One digital platform's dialect. Only the adapter knows its URLs, auth, field names, date
 * formats and status words; everything it returns is canonical.
 */
export interface PlatformAdapter {
  readonly id: PlatformId;
  readonly displayName: string;
  /** Voucher-code format, used to guess the platform when the provider does not name it. */
  readonly voucherCodePattern: RegExp;
  getVoucher(code: string): Promise<CanonicalVoucher | null>;
  redeemVoucher(req: RedeemRequest): Promise<RedeemResult>;
}

export interface AdapterContext {
  fetch: Fetch;
  /** Outbound request timeout. */
  timeoutMs: number;
  now?: () => Date;
}

/* ---------------------------------------------------------------- prakerja.go.id ---------- */

/** A provider's own credentials at prakerja.go.id (client_code + secret key). */
export interface PrakerjaCredentials {
  clientCode: string;
  signKey: string;
}

export type CourseType = 'webinar' | 'spl' | 'offline';

/** `redeem-code/status`, canonical. */
export interface RedeemCodeStatus {
  redeemCode: string;
  sequence: number;
  courseCode: string;
  invoiceCode: string;
  scheduleCode: string;
  /** prakerja.go.id's raw status value, kept for operators. */
  rawStatus: string;
  attendanceStatus: string;
  redeemedAt?: Date;
  dpPlatform: string;
  scheduleStart?: Date;
  scheduleEnd?: Date;
  courseType: CourseType;
  courseTypeLabel: string;
  learningMethod: string;
  isOnlineAttendance: boolean;
}

/** The published reasons a redeem code fails, as canonical codes. */
export const REDEEM_CODE_FAILURES = ['redeem_code_not_found', 'wrong_training_type', 'other_provider', 'cancelled', 'transaction_cancelled', 'already_used'] as const;
export type RedeemCodeFailure = (typeof REDEEM_CODE_FAILURES)[number];

/** Thrown by the prakerja adapter when prakerja.go.id answers `success: false` with a published reason. */
export class RedeemCodeRejected extends Error {
  constructor(readonly reason: RedeemCodeFailure, readonly prakerjaMessage: string) {
    super(prakerjaMessage);
    this.name = 'RedeemCodeRejected';
  }
}

export interface VerificationUrl {
  url: string;
  state: string;
  course: { type: string; learningMethod: string };
}

/** prakerja.go.id's provider API (public parts) plus a modelled participant lookup. */
export interface PrakerjaAdapter {
  redeemCodeStatus(creds: PrakerjaCredentials, req: { redeemCode: string; sequence: number }): Promise<RedeemCodeStatus>;
  commitRedeemCode(creds: PrakerjaCredentials, req: { redeemCode: string; sequence: number }): Promise<void>;
  generateVerificationUrl(creds: PrakerjaCredentials, req: { redeemCode: string; sequence: number; redirectUri: string; email: string }): Promise<VerificationUrl>;
  /** MODELLED: the participant's registered name and status, by card number. null when unknown. */
  lookupParticipant(creds: PrakerjaCredentials, cardNumber: string): Promise<Participant | null>;
}
