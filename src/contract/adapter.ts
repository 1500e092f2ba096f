import type { CanonicalVoucher, Participant, PlatformId } from './canonical.js';

/** What the gateway calls outbound with: web-standard fetch (undici's pool on Node, native on Workers). */
export type Fetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/**
 * An outbound request as an adapter builds and signs it: plain data, so the Node transport sends
 * it without web `Request`/`Response` objects and their streams (measured on the redemption path,
 * bench/README.md); where only fetch exists (Workers, tests through msw) it becomes a `Request`.
 */
export interface WireRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

/** Reads a response header by name, case-insensitively (`Headers` is one). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The answer of a transport, read whole. */
export interface TransportResponse {
  status: number;
  headers: HeaderReader;
  text: string;
}

/**
 * Sends a WireRequest and reads the whole answer, giving up after `timeoutMs` with an error named
 * `TimeoutError` (as an aborted fetch's is). Node's is undici's `request` with its own timeouts.
 */
export type Transport = (req: WireRequest, timeoutMs: number) => Promise<TransportResponse>;

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
  /**
   * Tells the platform the training's outcome so the participant can rate and review it there.
   * Delivered from the outbox: `idempotencyKey` is stable across redeliveries.
   */
  reportCompletion(report: CompletionReport): Promise<DeliveryReceipt>;
  /**
   * Verifies a callback on its raw body with the platform's own scheme and timestamp tolerance,
   * and translates it. Throws CallbackRejected when it cannot be trusted; an event type the
   * adapter does not know comes back as `{ kind: 'unknown' }`, never as an error.
   */
  verifyCallback(req: CallbackRequest): Promise<VerifiedCallback>;
  /** One page of the platform's vouchers updated in [from, to), for reconciliation. */
  listVouchers(req: { from: Date; to: Date; cursor?: string; limit?: number }): Promise<{ items: CanonicalVoucher[]; nextCursor?: string }>;
}

/* ------------------------------------------------------------ outbound reports ---------- */

export interface Certificate {
  number: string;
  issuedAt: Date;
  url: string;
  sha256: string;
}

export interface CompletionReport {
  enrollmentId: string;
  voucherCode: string;
  cardNumber: string;
  participantName: string;
  courseId: string;
  outcome: 'passed' | 'failed';
  /** 0–100. Kemnaker enters it in Sisnaker as the grade. */
  score: number;
  completedAt: Date;
  certificate?: Certificate;
  idempotencyKey: string;
}

export interface DeliveryReceipt {
  /** The partner's reference for what it received, kept for operators. */
  reference: string;
}

/* ----------------------------------------------------------------- callbacks ------------ */

export interface CallbackRequest {
  /** Path as received (some schemes sign it). */
  path: string;
  headers: Headers;
  /** The exact bytes received: signatures are over these, never over re-serialised JSON. */
  rawBody: string;
  receivedAt: Date;
}

/** Canonical callback events; every platform's event words map to one of these. */
export type CanonicalEvent =
  | { kind: 'purchase.made'; voucher: CanonicalVoucher }
  | { kind: 'review.submitted'; voucherCode: string; rating: number; review: string; reviewedAt: Date }
  | { kind: 'voucher.refunded'; voucherCode: string; at: Date }
  | { kind: 'voucher.expired'; voucherCode: string; at: Date }
  /** Kemnaker: Sisnaker accepted (or refused) the grade the gateway reported. */
  | { kind: 'completion.accepted'; voucherCode: string; at: Date }
  | { kind: 'completion.rejected'; voucherCode: string; reason: string; at: Date }
  /**
   * Platform-delivered training (DeliveryShape): the participant pressed "Mulai Belajar" on the
   * platform. There is no redemption by the provider: this starts the enrollment. The platform's
   * whole view of it rides along, so a lost purchase notice does not matter.
   */
  | { kind: 'learning.started'; voucher: CanonicalVoucher; at: Date }
  /** Platform-delivered: the participant's progress in the platform's own learning system. */
  | { kind: 'learning.progress'; voucherCode: string; modulesCompleted: number; modulesTotal: number; at: Date }
  /** Platform-delivered: the platform saw the participant finish; the provider then confirms the outcome. */
  | { kind: 'learning.completed'; voucherCode: string; at: Date }
  | { kind: 'unknown'; platformType: string };

export interface VerifiedCallback {
  /** The sender's event id: callbacks are deduplicated on (source, eventId). */
  eventId: string;
  /** The sender's own word for the event type, kept for operators. */
  platformType: string;
  occurredAt: Date;
  event: CanonicalEvent;
}

export const CALLBACK_REJECTIONS = ['missing_signature', 'bad_signature', 'stale_timestamp', 'malformed'] as const;
export type CallbackRejection = (typeof CALLBACK_REJECTIONS)[number];

export class CallbackRejected extends Error {
  constructor(readonly reason: CallbackRejection, message: string) {
    super(message);
    this.name = 'CallbackRejected';
  }
}

/** Callbacks older or newer than this are refused: a captured request cannot be replayed later. */
export const CALLBACK_TOLERANCE_MS = 5 * 60 * 1000;

export interface AdapterContext {
  fetch: Fetch;
  /** A faster way to send than `fetch`, where the runtime has one (Node); partner calls use it when set. */
  transport?: Transport;
  /** Outbound request timeout. */
  timeoutMs: number;
  now?: () => Date;
  /** Per-partner caps on outbound calls; without one every call goes at once. */
  gate?: OutboundGate;
}

/** Caps outbound calls per partner (concurrency, rate) and holds them after the partner's 429. */
export interface OutboundGate {
  /** Runs one call to `platform` in its turn; an AdapterError `rate_limited` when the turn does not come in time. */
  run<T>(platform: string, call: () => Promise<T>): Promise<T>;
  /** The partner asked for a pause (429 with Retry-After): no call to it starts before `ms` from now. */
  pause(platform: string, ms: number): void;
  /** Calls to `platform` in flight now. */
  inFlight(platform: string): number;
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

  /** MODELLED: facts that unlock certificate and incentive, reported by the gateway for a provider. */
  reportRedemption(creds: PrakerjaCredentials, r: PrakerjaRedemptionReport): Promise<DeliveryReceipt>;
  reportCompletion(creds: PrakerjaCredentials, r: CompletionReport & { platform: PlatformId }): Promise<DeliveryReceipt>;
  reportCertificate(creds: PrakerjaCredentials, r: { enrollmentId: string; voucherCode: string; cardNumber: string; platform: PlatformId; certificate: Certificate; reviewedAt: Date; idempotencyKey: string }): Promise<DeliveryReceipt>;

  /** Public API: practical tasks (tugas praktik mandiri / unjuk keterampilan) and their feedback. */
  submitTask(creds: PrakerjaCredentials, t: TaskSubmission): Promise<void>;
  submitTaskFeedback(creds: PrakerjaCredentials, t: TaskSubmission & { notes: string }): Promise<void>;
  taskStatus(creds: PrakerjaCredentials, t: { redeemCode: string; scope: TaskScope; sequence: number }): Promise<{ assignment: TaskState; feedback: TaskState }>;

  /** Verifies prakerja.go.id's callbacks to the gateway (MODELLED scheme, same HMAC as its API). */
  verifyCallback(req: CallbackRequest): Promise<VerifiedPrakerjaCallback>;

  /**
   * MODELLED, for reconciliation: one page of what prakerja.go.id holds for this provider's
   * enrollments redeemed in [from, to) (by the redemption report's time).
   */
  listReports(creds: PrakerjaCredentials, req: { from: Date; to: Date; cursor?: string; limit?: number }): Promise<{ items: PrakerjaReportView[]; nextCursor?: string }>;
}

/** MODELLED: prakerja.go.id's view of one enrollment: the furthest report it holds. */
export interface PrakerjaReportView {
  enrollmentId: string;
  voucherCode: string;
  platform: PlatformId;
  /** redemption → redeemed, completion → completed / failed (its outcome), certificate → reported. */
  state: 'redeemed' | 'completed' | 'failed' | 'reported';
}

export interface PrakerjaRedemptionReport {
  enrollmentId: string;
  voucherCode: string;
  cardNumber: string;
  platform: PlatformId;
  courseId: string;
  redeemedAt: Date;
  idempotencyKey: string;
}

export type TaskScope = 'tpm' | 'uk';
export interface TaskSubmission {
  redeemCode: string;
  scope: TaskScope;
  sequence: number;
  fileUrl: string;
}
/** `/tpm/submission/status`: 0 not submitted, 1 pending, 2 success, 3 failed. */
export const TASK_STATES = ['not_submitted', 'pending', 'success', 'failed'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export type PrakerjaEvent =
  | { kind: 'completion.accepted'; enrollmentId: string; voucherCode: string; at: Date }
  | { kind: 'completion.rejected'; enrollmentId: string; voucherCode: string; reason: string; at: Date }
  /** A review made on prakerja.go.id's dashboard (since 2021) rather than on the platform. */
  | { kind: 'review.submitted'; voucherCode: string; platform: PlatformId; rating: number; review: string; reviewedAt: Date }
  | { kind: 'incentive.scheduled' | 'incentive.disbursed' | 'incentive.failed'; cardNumber: string; incentive: 'training' | 'survey'; sequence: number; amount: number; at: Date; reason?: string }
  | { kind: 'unknown'; platformType: string };

export interface VerifiedPrakerjaCallback {
  eventId: string;
  platformType: string;
  occurredAt: Date;
  event: PrakerjaEvent;
}
