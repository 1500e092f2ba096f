import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const providers = pgTable('providers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** prakerja.go.id client_code; the matching sign key comes from the environment, never the DB. */
  prakerjaClientCode: text('prakerja_client_code'),
  /** Optional JWKS URL for providers that sign their own tokens (RS256/ES256). */
  jwksUrl: text('jwks_url'),
  createdAt: createdAt(),
});

export const courses = pgTable('courses', {
  id: text('id').primaryKey(),
  providerId: text('provider_id').notNull().references(() => providers.id),
  title: text('title').notNull(),
  createdAt: createdAt(),
});

/**
 * The exactly-once guard: one row per voucher, taken before the platform is asked to redeem.
 * Its id is the enrollment id to be, so a loser of the race can name the winner's enrollment.
 */
export const voucherClaims = pgTable(
  'voucher_claims',
  {
    id: uuid('id').primaryKey(),
    platform: text('platform').notNull(),
    voucherCode: text('voucher_code').notNull(),
    providerId: text('provider_id').notNull(),
    status: text('status', { enum: ['claimed', 'redeemed'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('voucher_claims_voucher_uq').on(t.platform, t.voucherCode)],
);

export const enrollments = pgTable(
  'enrollments',
  {
    id: uuid('id').primaryKey(),
    providerId: text('provider_id').notNull(),
    platform: text('platform').notNull(),
    voucherCode: text('voucher_code').notNull(),
    courseId: text('course_id').notNull(),
    courseTitle: text('course_title').notNull(),
    cardNumber: text('card_number').notNull(),
    participantName: text('participant_name').notNull(),
    participantEmail: text('participant_email').notNull(),
    platformBuyerName: text('platform_buyer_name').notNull(),
    prakerjaName: text('prakerja_name'),
    nameScore: real('name_score').notNull(),
    nameDecision: text('name_decision', { enum: ['match', 'review', 'mismatch'] }).notNull(),
    nameExplanation: text('name_explanation').notNull(),
    state: text('state').notNull(),
    platformReference: text('platform_reference'),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
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
