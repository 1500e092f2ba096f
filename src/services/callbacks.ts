import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { CallbackRejected, type CallbackRequest, type CanonicalEvent, type PrakerjaEvent } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import type { Tx } from '../db/database.js';
import { enrollmentEvents, enrollments, inboundEvents, incentiveEvents, knownVouchers } from '../db/schema.js';
import { canTransition, furthest } from '../domain/lifecycle.js';
import type { EnrollmentState, PlatformId } from '../domain/types.js';
import { ProblemError } from '../lib/problem.js';
import { applyFacts } from './enrollment-updates.js';
import { emitIncentiveEvents } from './provider-events.js';
import { platformProblem } from './platform-problems.js';
import { applyLearning, prepareStart, startEnrollment, type StartContext } from './platform-delivered.js';
import type { NameThresholds } from '../domain/names/index.js';

export type CallbackSource = PlatformId | 'prakerja';

export interface CallbackAnswer {
  received: true;
  eventId: string;
  duplicate: boolean;
  outcome: string;
}

/**
 * The callback door. The sender's adapter verifies the raw body with its own scheme first
 * (fail closed); then, in one transaction, the event is deduplicated on its id, stored whatever
 * its type, and applied. Facts only ever accumulate, so duplicated or out-of-order callbacks end
 * in the same state. An event about a voucher the sender does not own is refused and nothing
 * is stored, so a platform can only touch its own vouchers.
 */
export async function receiveCallback(deps: AppDeps, source: CallbackSource, req: CallbackRequest): Promise<CallbackAnswer> {
  const verified = await (source === 'prakerja' ? deps.prakerja.verifyCallback(req) : deps.platforms[source].verifyCallback(req)).catch((e) => {
    if (e instanceof CallbackRejected) {
      throw new ProblemError(401, 'callback_rejected', 'Callback signature not accepted', {
        detail: e.message,
        reason: e.reason,
        errors: [{ field: 'header:signature', rule: e.reason, message: e.message }],
      });
    }
    throw platformProblem(e);
  });

  // Starting a platform-delivered enrollment asks prakerja.go.id for the participant: outside the transaction.
  const start = source !== 'prakerja' && verified.event.kind === 'learning.started' ? await prepareStart(deps, verified.event.voucher) : undefined;

  return deps.database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(inboundEvents)
      .values({ source, eventId: verified.eventId, platformType: verified.platformType, kind: verified.event.kind, outcome: 'received', body: req.rawBody, occurredAt: verified.occurredAt })
      .onConflictDoNothing()
      .returning({ id: inboundEvents.id });
    if (inserted.length === 0) return { received: true, eventId: verified.eventId, duplicate: true, outcome: 'duplicate' };

    const applied = source === 'prakerja' ? await applyPrakerjaEvent(tx, verified.event as PrakerjaEvent, verified.eventId) : await applyPlatformEvent(tx, source, verified.event as CanonicalEvent, start, deps.config.nameThresholds);
    await tx.update(inboundEvents).set({ outcome: applied.outcome, enrollmentId: applied.enrollmentId }).where(eq(inboundEvents.id, inserted[0].id));
    return { received: true, eventId: verified.eventId, duplicate: false, outcome: applied.outcome };
  });
}

type Applied = { outcome: string; enrollmentId?: string };

async function enrollmentOf(tx: Tx, platform: PlatformId, voucherCode: string) {
  const [row] = await tx.select({ id: enrollments.id }).from(enrollments).where(and(eq(enrollments.platform, platform), eq(enrollments.voucherCode, voucherCode)));
  return row?.id;
}

function unknownVoucher(platform: string, code: string): ProblemError {
  return new ProblemError(422, 'unknown_voucher', 'Voucher not known for this sender', {
    detail: `No voucher ${code} from ${platform} is known to the gateway; nothing was changed.`,
    errors: [{ field: 'voucherCode', rule: 'belongs_to_sender', message: `not a ${platform} voucher known to the gateway` }],
  });
}

/** Moves a known voucher forward only; a late event never moves it back. */
async function advanceKnownVoucher(tx: Tx, platform: PlatformId, code: string, to: EnrollmentState): Promise<boolean> {
  const [row] = await tx.select({ state: knownVouchers.state }).from(knownVouchers).where(and(eq(knownVouchers.platform, platform), eq(knownVouchers.code, code))).for('update');
  if (!row) return false;
  if (canTransition(row.state as EnrollmentState, to)) {
    await tx.update(knownVouchers).set({ state: to, updatedAt: sql`now()` }).where(and(eq(knownVouchers.platform, platform), eq(knownVouchers.code, code)));
  }
  return true;
}

async function applyPlatformEvent(tx: Tx, platform: PlatformId, e: CanonicalEvent, start: StartContext | undefined, thresholds: NameThresholds): Promise<Applied> {
  switch (e.kind) {
    case 'purchase.made': {
      const v = e.voucher;
      if (v.platform !== platform) throw unknownVoucher(platform, v.code);
      // A refund or expiry notice may have overtaken this one; with no known voucher to move then,
      // it was recorded on the enrollment. Start from there, so the order of arrival does not matter.
      const enrollmentId = await enrollmentOf(tx, platform, v.code);
      const overtaken = enrollmentId
        ? await tx
            .select({ type: enrollmentEvents.type })
            .from(enrollmentEvents)
            .where(and(eq(enrollmentEvents.enrollmentId, enrollmentId), inArray(enrollmentEvents.type, ['voucher_refunded', 'voucher_expired'])))
            .orderBy(asc(enrollmentEvents.id))
        : [];
      const state = furthest(v.state, overtaken.map((o): EnrollmentState => (o.type === 'voucher_refunded' ? 'refunded' : 'expired')));
      await tx
        .insert(knownVouchers)
        .values({ platform, code: v.code, cardNumber: v.cardNumber, buyerName: v.buyerName, courseId: v.courseId, providerId: v.providerId, state, purchasedAt: v.purchasedAt, expiresAt: v.expiresAt })
        .onConflictDoNothing();
      return { outcome: 'voucher_recorded' };
    }
    case 'review.submitted':
      return applyReview(tx, platform, e.voucherCode, e, 'platform');
    case 'voucher.refunded':
    case 'voucher.expired': {
      const to: EnrollmentState = e.kind === 'voucher.refunded' ? 'refunded' : 'expired';
      const known = await advanceKnownVoucher(tx, platform, e.voucherCode, to);
      const enrollmentId = await enrollmentOf(tx, platform, e.voucherCode);
      if (!known && !enrollmentId) throw unknownVoucher(platform, e.voucherCode);
      // A redeemed training is not undone by a refund notice: it is recorded for operators to see.
      if (enrollmentId) await applyFacts(tx, enrollmentId, {}, { type: e.kind.replace('.', '_'), source: 'platform', occurredAt: e.at });
      return { outcome: enrollmentId ? 'recorded_on_enrollment' : 'voucher_updated', enrollmentId };
    }
    case 'completion.accepted':
    case 'completion.rejected': {
      const enrollmentId = await enrollmentOf(tx, platform, e.voucherCode);
      if (!enrollmentId) throw unknownVoucher(platform, e.voucherCode);
      const patch = e.kind === 'completion.accepted' ? { sisnakerAcceptedAt: e.at } : { sisnakerRejection: e.reason };
      await applyFacts(tx, enrollmentId, patch, { type: e.kind === 'completion.accepted' ? 'grade_accepted' : 'grade_rejected', source: 'platform', occurredAt: e.at, detail: e.kind === 'completion.rejected' ? { reason: e.reason } : {} });
      return { outcome: 'applied', enrollmentId };
    }
    case 'learning.started': {
      if (e.voucher.platform !== platform) throw unknownVoucher(platform, e.voucher.code);
      // Prepared before the transaction for exactly this event.
      return startEnrollment(tx, platform, e, start!, thresholds);
    }
    case 'learning.progress':
    case 'learning.completed': {
      const enrollmentId = await enrollmentOf(tx, platform, e.voucherCode);
      if (!enrollmentId) throw unknownVoucher(platform, e.voucherCode);
      return applyLearning(tx, enrollmentId, e);
    }
    case 'unknown':
      return { outcome: 'stored_unknown_type' };
  }
}

async function applyReview(tx: Tx, platform: PlatformId, voucherCode: string, e: { rating: number; review: string; reviewedAt: Date }, source: 'platform' | 'prakerja'): Promise<Applied> {
  const enrollmentId = await enrollmentOf(tx, platform, voucherCode);
  if (!enrollmentId) throw unknownVoucher(platform, voucherCode);
  await applyFacts(tx, enrollmentId, { reviewedAt: e.reviewedAt, rating: e.rating, review: e.review }, { type: 'review_submitted', source, occurredAt: e.reviewedAt, detail: { rating: e.rating } });
  return { outcome: 'applied', enrollmentId };
}

async function applyPrakerjaEvent(tx: Tx, e: PrakerjaEvent, eventId: string): Promise<Applied> {
  switch (e.kind) {
    case 'completion.accepted':
    case 'completion.rejected': {
      const [row] = await tx.select({ id: enrollments.id }).from(enrollments).where(eq(enrollments.id, e.enrollmentId));
      if (!row) throw unknownVoucher('prakerja', e.voucherCode);
      const patch = e.kind === 'completion.accepted' ? { prakerjaAcceptedAt: e.at } : { prakerjaRejection: e.reason };
      await applyFacts(tx, row.id, patch, { type: e.kind === 'completion.accepted' ? 'prakerja_accepted' : 'prakerja_rejected', source: 'prakerja', occurredAt: e.at, detail: e.kind === 'completion.rejected' ? { reason: e.reason } : {} });
      return { outcome: 'applied', enrollmentId: row.id };
    }
    case 'review.submitted':
      return applyReview(tx, e.platform, e.voucherCode, e, 'prakerja');
    case 'incentive.scheduled':
    case 'incentive.disbursed':
    case 'incentive.failed':
      await tx.insert(incentiveEvents).values({
        cardNumber: e.cardNumber,
        incentive: e.incentive,
        sequence: e.sequence,
        amount: e.amount,
        status: e.kind.slice('incentive.'.length) as 'scheduled' | 'disbursed' | 'failed',
        reason: e.reason,
        at: e.at,
        eventId,
      });
      await emitIncentiveEvents(tx, e);
      return { outcome: 'incentive_recorded' };
    case 'unknown':
      return { outcome: 'stored_unknown_type' };
  }
}
