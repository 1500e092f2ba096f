import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../app/context.js';
import type { CanonicalEvent } from '../contract/adapter.js';
import { findCourseTitle } from '../db/catalogue-store.js';
import type { Tx } from '../db/database.js';
import { enrollmentEvents, enrollments, knownVouchers } from '../db/schema.js';
import { canTransition } from '../domain/lifecycle.js';
import { checkNames } from '../domain/name-check.js';
import type { NameThresholds } from '../domain/names/index.js';
import type { CanonicalVoucher, EnrollmentState, Participant, PlatformId } from '../domain/types.js';
import { problems } from '../lib/problem.js';
import { enqueue } from '../outbox/enqueue.js';
import { applyFacts, deliveryFor } from './enrollment-updates.js';
import { platformProblem } from './platform-problems.js';
import { emitProviderEvents, startedEvents } from './provider-events.js';

/**
 * Platform-delivered training (DeliveryShape `platform_delivered`): the platform teaches, so the
 * enrollment starts with its "started" callback rather than with a provider's redemption. The
 * rest of the lifecycle (progress, the provider's completion and certificate, the review gate,
 * the reports to prakerja.go.id) is the same enrollment, the same facts, the same outbox.
 */

/** What starting needs from outside the callback's transaction: prakerja.go.id's participant and the course title. */
export interface StartContext {
  participant: Participant | null;
  courseTitle: string;
}

export async function prepareStart(deps: AppDeps, v: CanonicalVoucher): Promise<StartContext> {
  const creds = await deps.prakerjaCredentials(v.providerId);
  if (!creds) throw problems.prakerjaCredentialsMissing(v.providerId);
  const participant = await deps.prakerja.lookupParticipant(creds, v.cardNumber).catch((e) => Promise.reject(platformProblem(e)));
  return { participant, courseTitle: (await findCourseTitle(deps.database.db, v.courseId)) ?? v.courseId };
}

type Applied = { outcome: string; enrollmentId?: string };
type StartEvent = Extract<CanonicalEvent, { kind: 'learning.started' }>;

/** States of a known voucher from which no training can start: the purchase was undone first. */
const UNDONE: ReadonlySet<EnrollmentState> = new Set(['refunded', 'expired', 'revoked']);

/**
 * Starts the enrollment. The participant already learns on the platform, so a doubtful name is
 * not refused as at a redemption: the enrollment is created and held for review (the reports to
 * prakerja.go.id wait until an operator accepts the name). A purchase refunded or expired before
 * the start, or a card prakerja.go.id does not know or has revoked, starts nothing.
 */
export async function startEnrollment(tx: Tx, platform: PlatformId, e: StartEvent, ctx: StartContext, thresholds: NameThresholds): Promise<Applied> {
  const v = e.voucher;
  const [existing] = await tx.select({ id: enrollments.id }).from(enrollments).where(and(eq(enrollments.platform, platform), eq(enrollments.voucherCode, v.code)));
  if (existing) return { outcome: 'already_started', enrollmentId: existing.id };

  const [known] = await tx.select({ state: knownVouchers.state }).from(knownVouchers).where(and(eq(knownVouchers.platform, platform), eq(knownVouchers.code, v.code))).for('update');
  if (known && UNDONE.has(known.state as EnrollmentState)) return { outcome: `not_started_${known.state}` };
  if (!ctx.participant) return { outcome: 'not_started_participant_not_registered' };
  if (ctx.participant.status !== 'active') return { outcome: 'not_started_card_revoked' };

  // The platform's account name is all the gateway has from the buyer: it stands for the provider's too.
  const names = checkNames({ provider: v.buyerName, platform: v.buyerName, prakerja: ctx.participant.name }, thresholds);
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(enrollments)
    .values({
      id,
      providerId: v.providerId,
      platform,
      voucherCode: v.code,
      courseId: v.courseId,
      courseTitle: ctx.courseTitle,
      cardNumber: v.cardNumber,
      participantName: v.buyerName,
      participantEmail: v.buyerEmail ?? '',
      platformBuyerName: v.buyerName,
      prakerjaName: ctx.participant.name,
      nameScore: names.score,
      nameDecision: names.decision,
      nameExplanation: names.explanation,
      state: 'redeemed',
      platformReference: null,
      redeemedAt: e.at,
    })
    .returning();
  await tx.insert(enrollmentEvents).values(
    [
      { type: 'voucher_purchased', toState: 'purchased', source: 'platform' as const, occurredAt: v.purchasedAt, detail: { platformStatus: v.platformStatus } },
      { type: 'name_checked', source: 'gateway' as const, occurredAt: e.at, detail: { decision: names.decision, score: names.score, explanation: names.explanation } },
      ...(names.decision === 'match' ? [] : [{ type: 'name_review_required', source: 'gateway' as const, occurredAt: e.at, detail: { score: names.score, decision: names.decision } }]),
      { type: 'learning_started', fromState: 'purchased', toState: 'redeemed', source: 'platform' as const, occurredAt: e.at, detail: {} },
    ].map((x) => ({ ...x, enrollmentId: id })),
  );
  if (known && canTransition(known.state as EnrollmentState, 'redeemed')) {
    await tx.update(knownVouchers).set({ state: 'redeemed' }).where(and(eq(knownVouchers.platform, platform), eq(knownVouchers.code, v.code)));
  }
  await enqueue(tx, [deliveryFor('prakerja.redemption', row)]);
  // The provider learns of the enrollment here, as it would from its own redemption's answer.
  await emitProviderEvents(tx, startedEvents(row), { newEnrollment: true });
  return { outcome: names.decision === 'match' ? 'enrollment_started' : 'enrollment_started_name_held', enrollmentId: id };
}

/** Progress and completion on the platform's learning system: facts on the enrollment like a provider's attendance. */
export async function applyLearning(tx: Tx, enrollmentId: string, e: Extract<CanonicalEvent, { kind: 'learning.progress' | 'learning.completed' }>): Promise<Applied> {
  if (e.kind === 'learning.progress') {
    await applyFacts(tx, enrollmentId, { sessionsAttended: e.modulesCompleted }, { type: 'learning_progress', source: 'platform', occurredAt: e.at, detail: { modulesCompleted: e.modulesCompleted, modulesTotal: e.modulesTotal } });
  } else {
    await applyFacts(tx, enrollmentId, {}, { type: 'learning_completed', source: 'platform', occurredAt: e.at });
  }
  return { outcome: 'applied', enrollmentId };
}
