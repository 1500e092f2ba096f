import { sql } from 'drizzle-orm';
import type { PlatformId } from '../contract/canonical.js';
import type { DiscrepancyKind } from '../domain/reconciliation.js';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const providers = pgTable('providers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** prakerja.go.id client_code. */
  prakerjaClientCode: text('prakerja_client_code'),
  /**
   * The client code's sign key, sealed with SECRETS_KEY (AES-GCM, see lib/secrets.ts); set by
   * operators through /v1/ops/providers. Without it the key comes from the environment
   * (PRAKERJA_SIGN_KEY / PRAKERJA_SIGN_KEYS).
   */
  prakerjaSignKeySealed: text('prakerja_sign_key_sealed'),
  /** The key it replaced, kept sealed so an operator can switch back to it until `…_until`. */
  prakerjaPreviousSignKeySealed: text('prakerja_previous_sign_key_sealed'),
  prakerjaPreviousSignKeyUntil: timestamp('prakerja_previous_sign_key_until', { withTimezone: true }),
  /** Optional JWKS URL for providers that sign their own tokens (RS256/ES256). */
  jwksUrl: text('jwks_url'),
  /** A deactivated provider's tokens are refused at once, whoever signed them. */
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }),
});

/**
 * Credentials (gateway-signed tokens) issued to a provider by an operator. The token itself is
 * never stored: its `jti` is this row's id, and a token whose row is revoked (or missing) is
 * refused.
 */
export const providerCredentials = pgTable(
  'provider_credentials',
  {
    id: uuid('id').primaryKey(),
    providerId: text('provider_id').notNull().references(() => providers.id),
    label: text('label'),
    issuedBy: text('issued_by').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
  },
  (t) => [index('provider_credentials_provider_idx').on(t.providerId)],
);

export const courses = pgTable('courses', {
  id: text('id').primaryKey(),
  providerId: text('provider_id').notNull().references(() => providers.id),
  title: text('title').notNull(),
  createdAt: createdAt(),
});

/**
 * The exactly-once guard: one row per voucher, taken before the platform is asked to redeem.
 * Its id is the enrollment id to be. It carries the whole planned enrollment, so that once the
 * platform has consumed the voucher nothing more than this row is needed to finish it:
 * `claimed` (platform being asked; `lease_until` says until when the asker owns it),
 * `accepted` (the platform redeemed it; the enrollment is not written yet), `redeemed` (the
 * enrollment exists).
 */
export const voucherClaims = pgTable(
  'voucher_claims',
  {
    id: uuid('id').primaryKey(),
    platform: text('platform').$type<PlatformId>().notNull(),
    voucherCode: text('voucher_code').notNull(),
    providerId: text('provider_id').notNull(),
    status: text('status', { enum: ['claimed', 'accepted', 'redeemed'] }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    plan: jsonb('plan').$type<Record<string, unknown>>(),
    platformReference: text('platform_reference'),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('voucher_claims_voucher_uq').on(t.platform, t.voucherCode), index('voucher_claims_unsettled_idx').on(t.status).where(sql`status <> 'redeemed'`)],
);

export const enrollments = pgTable(
  'enrollments',
  {
    id: uuid('id').primaryKey(),
    providerId: text('provider_id').notNull(),
    platform: text('platform').$type<PlatformId>().notNull(),
    voucherCode: text('voucher_code').notNull(),
    courseId: text('course_id').notNull(),
    courseTitle: text('course_title').notNull(),
    cardNumber: text('card_number').notNull(),
    participantName: text('participant_name').notNull(),
    participantEmail: text('participant_email').notNull(),
    platformBuyerName: text('platform_buyer_name').notNull(),
    prakerjaName: text('prakerja_name'),
    // Double, not real: the redemption's answer and events are built from the score as computed, and
    // must read back the same (a real would round 0.8333333333 to 0.8333333).
    nameScore: doublePrecision('name_score').notNull(),
    nameDecision: text('name_decision', { enum: ['match', 'review', 'mismatch'] }).notNull(),
    nameExplanation: text('name_explanation').notNull(),
    state: text('state').notNull(),
    platformReference: text('platform_reference'),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
    // Facts after redemption. Each is set once and never unset, so the state derived from them is
    // the same whatever order the facts arrive in (see domain/enrollment-facts.ts).
    sessionsAttended: integer('sessions_attended').notNull().default(0),
    outcome: text('outcome', { enum: ['passed', 'failed'] }),
    score: real('score'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    certificate: jsonb('certificate').$type<{ number: string; issuedAt: string; url: string; sha256: string }>(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    rating: integer('rating'),
    review: text('review'),
    sisnakerAcceptedAt: timestamp('sisnaker_accepted_at', { withTimezone: true }),
    sisnakerRejection: text('sisnaker_rejection'),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
    prakerjaAcceptedAt: timestamp('prakerja_accepted_at', { withTimezone: true }),
    prakerjaRejection: text('prakerja_rejection'),
    /** Operators accepted a reviewed/mismatched name pair (issue: name review); releases held flows. */
    nameAcceptedAt: timestamp('name_accepted_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('enrollments_voucher_uq').on(t.platform, t.voucherCode),
    index('enrollments_provider_idx').on(t.providerId),
    index('enrollments_card_idx').on(t.cardNumber),
  ],
);

/** Every transition and every observed fact, with its source: the enrollment's timeline. */
export const enrollmentEvents = pgTable(
  'enrollment_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    enrollmentId: uuid('enrollment_id').notNull().references(() => enrollments.id),
    type: text('type').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    source: text('source').notNull(),
    detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enrollment_events_enrollment_idx').on(t.enrollmentId, t.id)],
);

/**
 * Stored first answers for Idempotency-Key, scoped to caller and route (Stripe's model). A row in
 * `in_progress` means a first request is still running; a concurrent duplicate waits for it.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    route: text('route').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status', { enum: ['in_progress', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.route, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/** prakerja.go.id redeem codes used through the gateway: one commit per code and session. */
export const redeemCodeUses = pgTable(
  'redeem_code_uses',
  {
    redeemCode: text('redeem_code').notNull(),
    sequence: integer('sequence').notNull(),
    providerId: text('provider_id').notNull(),
    status: text('status', { enum: ['claimed', 'committed'] }).notNull(),
    snapshot: jsonb('snapshot'),
    committedAt: timestamp('committed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.redeemCode, t.sequence] })],
);

/** `state` values handed out by url-generate, so the participant's return can be matched. */
export const attendanceVerifications = pgTable('attendance_verifications', {
  state: text('state').primaryKey(),
  providerId: text('provider_id').notNull(),
  redeemCode: text('redeem_code').notNull(),
  sequence: integer('sequence').notNull(),
  email: text('email').notNull(),
  url: text('url').notNull(),
  returnedAt: timestamp('returned_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * Transactional outbox: every call to a platform or prakerja.go.id is a row written in the same
 * transaction as the state change that calls for it. Dispatchers claim rows with
 * FOR UPDATE SKIP LOCKED and a lease, so any number can run and a crashed one's rows come back.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    destination: text('destination').notNull(),
    kind: text('kind').notNull(),
    enrollmentId: uuid('enrollment_id'),
    providerId: text('provider_id').notNull(),
    payload: jsonb('payload').notNull(),
    /** Sent to the destination on every attempt, so a redelivery is harmless there. */
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'dead'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leasedBy: text('leased_by'),
    lastError: text('last_error'),
    errors: jsonb('errors').$type<Array<{ at: string; attempt: number; error: string; httpStatus?: number; retryable: boolean }>>().notNull().default(sql`'[]'::jsonb`),
    receipt: text('receipt'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_uq').on(t.idempotencyKey),
    // The claim's order (next_attempt_at, id) read straight off the index: without id in it, a
    // claim sorted every due row to take 25 (13 ms for 5,000 rows enqueued together, ~0.5 ms of
    // PostgreSQL CPU per delivery), and the sort grew with the backlog.
    index('outbox_due_idx').on(t.status, t.nextAttemptAt, t.id),
    index('outbox_enrollment_idx').on(t.enrollmentId),
  ],
);

/** Every callback received, verified, deduplicated on (source, event id), whatever its type. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    platformType: text('platform_type').notNull(),
    kind: text('kind').notNull(),
    enrollmentId: uuid('enrollment_id'),
    outcome: text('outcome').notNull(),
    body: text('body').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('inbound_events_uq').on(t.source, t.eventId)],
);

/** Vouchers the gateway has heard of from the platforms before (or without) a redemption. */
export const knownVouchers = pgTable(
  'known_vouchers',
  {
    platform: text('platform').$type<PlatformId>().notNull(),
    code: text('code').notNull(),
    cardNumber: text('card_number').notNull(),
    buyerName: text('buyer_name').notNull(),
    courseId: text('course_id').notNull(),
    providerId: text('provider_id').notNull(),
    state: text('state').notNull(),
    purchasedAt: timestamp('purchased_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.code] }), index('known_vouchers_card_idx').on(t.cardNumber)],
);

/** Incentive payments as prakerja.go.id reports them, one row per (payment, status) fact. */
export const incentiveEvents = pgTable(
  'incentive_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cardNumber: text('card_number').notNull(),
    incentive: text('incentive', { enum: ['training', 'survey'] }).notNull(),
    sequence: integer('sequence').notNull(),
    amount: integer('amount').notNull(),
    status: text('status', { enum: ['scheduled', 'disbursed', 'failed'] }).notNull(),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    eventId: text('event_id').notNull(),
  },
  (t) => [index('incentive_events_card_idx').on(t.cardNumber), uniqueIndex('incentive_events_event_uq').on(t.eventId)],
);

/** Practical tasks (tpm / uk) submitted through the gateway and their settled status at prakerja.go.id. */
export const tasks = pgTable(
  'tasks',
  {
    redeemCode: text('redeem_code').notNull(),
    scope: text('scope', { enum: ['tpm', 'uk'] }).notNull(),
    sequence: integer('sequence').notNull(),
    providerId: text('provider_id').notNull(),
    fileUrl: text('file_url').notNull(),
    /** The provider's feedback has a file of its own; it must not replace the participant's work. */
    feedbackFileUrl: text('feedback_file_url'),
    notes: text('notes'),
    assignment: text('assignment').notNull().default('not_submitted'),
    feedback: text('feedback').notNull().default('not_submitted'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.providerId, t.redeemCode, t.scope, t.sequence] })],
);

/* ------------------------------------------------------------ operations (issue 4) ---------- */

/**
 * Every operator action: who (the ops token's operator), what, on which target, and why. Written
 * in the same transaction as the action, so an action without its audit row cannot exist.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    operator: text('operator').notNull(),
    action: text('action').notNull(),
    /** `discrepancy:12`, `enrollment:<uuid>`, `outbox:34`, `recon_run:5`. */
    target: text('target').notNull(),
    reason: text('reason').notNull(),
    detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_target_idx').on(t.target, t.id)],
);

/** A reconciliation run: what was compared (platform, window), with what settings, and what it found. */
export const reconRuns = pgTable('recon_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** null: every platform. */
  platform: text('platform'),
  windowFrom: timestamp('window_from', { withTimezone: true }).notNull(),
  windowTo: timestamp('window_to', { withTimezone: true }).notNull(),
  status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull().default('running'),
  requestedBy: text('requested_by').notNull(),
  /** Thresholds in force for this run (no-review hours, expiring-within days), so a finding can be explained later. */
  settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
  /** Staged rows per source and findings per kind. */
  counts: jsonb('counts').notNull().default(sql`'{}'::jsonb`),
  /** The run's "now": ages (7×24 h, no review, expiring) are measured from it. */
  asOf: timestamp('as_of', { withTimezone: true }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  error: text('error'),
});

/**
 * The platforms' listings for one run, streamed in page by page, so the comparison can be one
 * SQL join instead of a loop in JavaScript. Transient: dropped when the run ends (the findings
 * keep the views they are about).
 *
 * No unique key: a listing is loaded by COPY (src/services/recon/stage.ts), which cannot say
 * ON CONFLICT, and a page-numbered listing may repeat a voucher in a later page. `seq` is the
 * load order; staging keeps only the highest-seq row of a voucher once its listing is in.
 */
export const reconStagedVouchers = pgTable(
  'recon_staged_vouchers',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    platform: text('platform').notNull(),
    code: text('code').notNull(),
    state: text('state').notNull(),
    platformStatus: text('platform_status').notNull(),
    cardNumber: text('card_number').notNull(),
    buyerName: text('buyer_name').notNull(),
    courseId: text('course_id').notNull(),
    providerId: text('provider_id').notNull(),
    purchasedAt: timestamp('purchased_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
  },
  (t) => [index('recon_staged_vouchers_run_code_idx').on(t.runId, t.platform, t.code)],
);

/** prakerja.go.id's view of the window's enrollments (what it was told), staged like the platforms' (no unique key either). */
export const reconStagedPrakerja = pgTable(
  'recon_staged_prakerja',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    enrollmentId: text('enrollment_id').notNull(),
    /**
     * enrollment_id when it is a uuid as the gateway writes one (lower case), else null: the
     * comparison joins on it, equal exactly when enrollment_id equals the enrollment's id as
     * text, for less than the text join cost (formatting and hashing a million ids as text).
     */
    enrollmentUuid: uuid('enrollment_uuid'),
    providerId: text('provider_id').notNull(),
    platform: text('platform').notNull(),
    voucherCode: text('voucher_code').notNull(),
    /** redeemed | completed | failed | reported: the furthest report prakerja.go.id holds. */
    state: text('state').notNull(),
  },
  (t) => [index('recon_staged_prakerja_run_enrollment_idx').on(t.runId, t.enrollmentId)],
);

/**
 * What a run found. `subject` is what the finding is about (a voucher code, or `outbox:<id>` for a
 * dead letter), so one run records a finding once.
 */
export const discrepancies = pgTable(
  'discrepancies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => reconRuns.id),
    kind: text('kind').$type<DiscrepancyKind>().notNull(),
    platform: text('platform').notNull(),
    subject: text('subject').notNull(),
    voucherCode: text('voucher_code'),
    enrollmentId: uuid('enrollment_id'),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    /** Kept whole like everywhere in the database; every answer masks it. */
    cardNumber: text('card_number'),
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
    status: text('status', { enum: ['open', 'resolved'] }).notNull().default('open'),
    resolution: text('resolution'),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('discrepancies_finding_uq').on(t.runId, t.kind, t.platform, t.subject),
    index('discrepancies_enrollment_idx').on(t.enrollmentId),
    index('discrepancies_status_idx').on(t.status, t.kind, t.id),
  ],
);

/* ------------------------------------------------------------ provider webhooks (issue 13) ---------- */

/**
 * A provider's webhook endpoint. Its signing secret (`whsec_<base64>`) is sealed with SECRETS_KEY
 * (AES-GCM, lib/secrets.ts, bound to the endpoint's id); the provider sees it once, at creation or
 * rotation. During a rotation the previous secret keeps signing until `previous_secret_until`, so
 * receivers can switch without losing a delivery.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types delivered here; empty: every type. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
    /** Start of the current run of failed attempts; cleared by a success. Five days of it disables the endpoint. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_provider_idx').on(t.providerId, t.status)],
);

/**
 * Every event told to a provider, written in the transaction of the fact it reports. The pull
 * feed reads it in `seq` order; the webhook deliveries (outbox rows) carry the same `id`.
 */
export const providerEvents = pgTable(
  'provider_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    providerId: text('provider_id').notNull(),
    type: text('type').notNull(),
    enrollmentId: uuid('enrollment_id'),
    /** Per enrollment, 1, 2, 3…: receivers order an enrollment's events by it whatever order they arrive in. */
    enrollmentSequence: integer('enrollment_sequence'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The event exactly as delivered (JSON text), so the feed and every webhook retry send the same bytes. */
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('provider_events_id_uq').on(t.id),
    index('provider_events_provider_idx').on(t.providerId, t.seq),
    uniqueIndex('provider_events_enrollment_seq_uq').on(t.enrollmentId, t.enrollmentSequence),
    index('provider_events_created_idx').on(t.createdAt),
  ],
);

/**
 * Request counters of the rate limits (src/app/rate-limit.ts), shared by every gateway instance
 * on this database so scaling out does not multiply the limits: one row per key (class and
 * caller, or callback source), holding the hits of its current fixed window.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    /** Epoch second the current window began. */
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [index('rate_limit_counters_window_idx').on(t.windowStart)],
);

/**
 * Circuit-breaker state shared by every dispatcher on this database (Node processes, Workers
 * isolates): an isolate that never saw a destination fail still holds back while another one's
 * breaker for it is open. Written on a breaker's transitions only, read once per claimed batch.
 */
export const destinationBreakers = pgTable('destination_breakers', {
  destination: text('destination').primaryKey(),
  /** Null: closed (the last trial call succeeded). */
  openedUntil: timestamp('opened_until', { withTimezone: true }),
  openedAt: timestamp('opened_at', { withTimezone: true }),
  /** Failures in the opening dispatcher's rolling window when it opened. */
  failures: integer('failures').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
