import { AdapterError } from '../contract/adapter.js';
import { findCourseTitle } from '../db/catalogue-store.js';
import { acceptClaim, acceptedClaims, expireClaimLease, findClaim, releaseClaim, takeClaim, takeOverClaim, type ClaimRow, type RedemptionPlan } from '../db/enrollment-store.js';
import { assertNever } from '../lib/assert.js';
import { KeyedQueue } from '../lib/keyed-queue.js';
import type { OpenAnswer } from './idempotency.js';
import { checkNames } from '../domain/name-check.js';
import { checkRedeemable, resolvePlatform, type RedemptionRefusal } from '../domain/redemption.js';
import type { PlatformId } from '../domain/types.js';
import { ProblemError, problems } from '../lib/problem.js';
import type { AppDeps } from '../app/context.js';
import type { Db } from '../db/database.js';
import { recordRedemption, type RedemptionRows } from '../db/record-redemption.js';
import { enrollmentView, type EnrollmentView } from './enrollment-view.js';
import { deliveryFor } from './enrollment-updates.js';
import { platformProblem } from './platform-problems.js';

export interface RedemptionInput {
  voucherCode: string;
  cardNumber: string;
  participant: { name: string; email: string };
  platform?: PlatformId;
}

/**
 * Redeems a voucher for a provider, in the order the seeds force on us: a redeem cannot be
 * repeated, so everything that can refuse it (voucher checks, the name check) runs before the
 * claim is taken and the platform is asked to consume the voucher. Once the platform has
 * consumed it, the voucher must end in an enrollment whatever fails next: the claim row carries
 * the whole plan, and the provider's next attempt (any Idempotency-Key) finishes what this one
 * could not (see `resume`).
 */
export async function redeemVoucher(deps: AppDeps, providerId: string, input: RedemptionInput, answer?: OpenAnswer): Promise<EnrollmentView> {
  const platform = pickPlatform(deps, input);
  // Racers for one voucher in this process go one after the other: the first pays for the
  // partner calls, the others then find its claim (the database's unique claim still decides
  // between processes).
  return perVoucher.run(`${platform}:${input.voucherCode}`, (waited) => redeemOnce(deps, providerId, platform, input, answer, waited));
}

const perVoucher = new KeyedQueue();

async function redeemOnce(deps: AppDeps, providerId: string, platform: PlatformId, input: RedemptionInput, answer: OpenAnswer | undefined, waited: boolean): Promise<EnrollmentView> {
  const db = deps.database.db;
  // Only the provider's own claim says anything: another provider's is as if it did not exist,
  // and the platform's answer decides (it refuses a voucher for another provider's course).
  const ownClaim = async () => {
    const claim = await findClaim(db, platform, input.voucherCode);
    return claim?.providerId === providerId ? claim : undefined;
  };
  // A racer that waited here for another request on this voucher looks at the claim first: the
  // outcome is there, and finding it must cost nothing upstream. A request that did not wait asks
  // the partners straight away, one statement fewer on every redemption; should they refuse or
  // fail, the provider's own claim, if it has one, decides all the same (a retry after a crash,
  // a voucher already redeemed through us, a platform down while we hold what it accepted).
  const earlier = waited ? await ownClaim() : undefined;
  if (earlier) return resume(deps, earlier, answer);

  let plan: RedemptionPlan;
  try {
    plan = await planRedemption(deps, providerId, platform, input);
  } catch (e) {
    const own = await ownClaim().catch(() => undefined);
    if (own) return resume(deps, own, answer);
    throw e;
  }
  const claim = await takeClaim(db, { id: crypto.randomUUID(), platform, voucherCode: input.voucherCode, providerId, plan, leaseUntil: leaseFrom(deps) });
  if (claim) return redeemAtPlatform(deps, claim, answer);
  const holder = await findClaim(db, platform, input.voucherCode);
  if (holder?.providerId === providerId) return resume(deps, holder, answer);
  throw inProgress(deps, holder);
}

/**
 * Everything that may refuse the redemption before anything is consumed, as a plan for the claim:
 * the voucher at its platform, the participant at prakerja.go.id, the name check. Throws the
 * refusal or the partner's failure as a problem.
 */
async function planRedemption(deps: AppDeps, providerId: string, platform: PlatformId, input: RedemptionInput): Promise<RedemptionPlan> {
  // The two partner reads are independent: ask both at once. The voucher's verdict still comes
  // first, so a provider learns of a wrong voucher before a problem with the card.
  const participantLookup = lookupParticipant(deps, providerId, input.cardNumber);
  participantLookup.catch(() => {}); // settled below; a voucher refusal must not leave it unhandled
  const voucher = await deps.platforms[platform].getVoucher(input.voucherCode).catch((e) => Promise.reject(platformProblem(e)));
  const refusal = checkRedeemable(voucher, { cardNumber: input.cardNumber, providerId, now: deps.now() });
  if (refusal) throw refusalProblem(refusal, platform);

  const participant = await participantLookup;
  if (!participant) {
    throw new ProblemError(422, 'participant_not_registered', 'Card number not registered at prakerja.go.id', {
      errors: [{ field: 'cardNumber', rule: 'registered', message: 'no Kartu Prakerja participant has this card number' }],
    });
  }
  if (participant.status !== 'active') {
    throw new ProblemError(422, 'card_revoked', 'Kartu Prakerja revoked', { errors: [{ field: 'cardNumber', rule: 'active', message: 'the card has been revoked' }] });
  }

  const names = checkNames({ provider: input.participant.name, platform: voucher!.buyerName, prakerja: participant.name }, deps.config.nameThresholds);
  if (names.decision === 'mismatch') {
    throw new ProblemError(422, 'name_mismatch', 'Participant name does not match', {
      detail: `The voucher was not redeemed. ${names.explanation}`,
      nameCheck: { decision: names.decision, score: names.score, rule: names.rule, explanation: names.explanation, pairs: names.pairs },
      errors: [{ field: 'participant.name', rule: 'matches_registered_name', message: 'differs from the name registered at prakerja.go.id or on the platform' }],
    });
  }

  const at = deps.now();
  return {
    enrollment: {
      providerId,
      platform,
      voucherCode: input.voucherCode,
      courseId: voucher!.courseId,
      courseTitle: (await findCourseTitle(deps.database.db, voucher!.courseId)) ?? voucher!.courseId,
      cardNumber: input.cardNumber,
      participantName: input.participant.name,
      participantEmail: input.participant.email,
      platformBuyerName: voucher!.buyerName,
      prakerjaName: participant.name,
      nameScore: names.score,
      nameDecision: names.decision,
      nameExplanation: names.explanation,
    },
    events: [
      { type: 'voucher_purchased', toState: 'purchased', source: 'platform', occurredAt: voucher!.purchasedAt.toISOString(), detail: { platformStatus: voucher!.platformStatus } },
      { type: 'name_checked', source: 'gateway', occurredAt: at.toISOString(), detail: { decision: names.decision, score: names.score, explanation: names.explanation } },
      ...(names.decision === 'review' ? [{ type: 'name_review_required', source: 'gateway', occurredAt: at.toISOString(), detail: { score: names.score } }] : []),
    ],
  };
}

/**
 * The provider's own claim on the voucher, found by a later attempt: answered by what it says.
 * A settled claim names its enrollment; one the platform accepted is finished from its plan; one
 * whose asker stopped without settling (crash, database failure, an answer we could not read)
 * is taken over and the platform asked again under the same idempotency key, which replays
 * its first answer if it had redeemed.
 */
async function resume(deps: AppDeps, claim: ClaimRow, answer: OpenAnswer | undefined): Promise<EnrollmentView> {
  switch (claim.status) {
    case 'redeemed':
      throw alreadyRedeemed(claim.id);
    case 'accepted':
      return finish(deps, claim, { platformReference: claim.platformReference, redeemedAt: claim.redeemedAt ?? deps.now() }, answer);
    case 'claimed': {
      const mine = await takeOverClaim(deps.database.db, claim.id, deps.now(), leaseFrom(deps));
      if (!mine) throw inProgress(deps, claim);
      return redeemAtPlatform(deps, mine, answer);
    }
    default:
      return assertNever(claim.status);
  }
}

async function redeemAtPlatform(deps: AppDeps, claim: ClaimRow, answer: OpenAnswer | undefined): Promise<EnrollmentView> {
  const db = deps.database.db;
  const plan = claim.plan as unknown as RedemptionPlan;
  let redeemed;
  try {
    redeemed = await deps.platforms[claim.platform as PlatformId].redeemVoucher({
      voucherCode: claim.voucherCode,
      cardNumber: plan.enrollment.cardNumber,
      participantName: plan.enrollment.participantName,
      participantEmail: plan.enrollment.participantEmail,
      // Stable per voucher, so asking again after a failure is a replay at the platform, not a second redeem.
      idempotencyKey: `redeem:${claim.platform}:${claim.voucherCode}`,
    });
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    // A refusal consumed nothing: give the claim back. Any other failure (timeout, 5xx, an
    // unreadable answer) may have come after the platform redeemed: keep the claim and let the
    // next attempt ask again at once.
    if (consumedNothing(e)) await releaseClaim(db, claim.id);
    else await expireClaimLease(db, claim.id, deps.now()).catch(() => {});
    throw platformProblem(e);
  }
  return finish(deps, claim, redeemed, answer);
}

/** Writes the enrollment of a claim the platform redeemed; if that fails, the acceptance is kept on the claim for the next attempt. */
async function finish(deps: AppDeps, claim: ClaimRow, redeemed: { platformReference: string | null; redeemedAt: Date }, slot: OpenAnswer | undefined): Promise<EnrollmentView> {
  const db = deps.database.db;
  const plan = claim.plan as unknown as RedemptionPlan;
  let saved;
  try {
    saved = await recordRedemption(db, { id: claim.id, plan }, redeemed, (row) => [deliveryFor('prakerja.redemption', row)], slot && { slot, body: viewOf });
  } catch (e) {
    deps.logger.error({ err: e, claimId: claim.id, platform: claim.platform }, 'redemption accepted by the platform but not recorded');
    if (redeemed.platformReference !== null) await acceptClaim(db, claim.id, { platformReference: redeemed.platformReference, redeemedAt: redeemed.redeemedAt }).catch(() => {});
    else await expireClaimLease(db, claim.id, deps.now()).catch(() => {});
    throw new ProblemError(503, 'redemption_not_recorded', 'Voucher redeemed at the platform, enrollment not written yet', {
      detail: 'The platform redeemed the voucher but the gateway could not record the enrollment. Send the same redemption again (any Idempotency-Key): it finishes this one and answers the enrollment.',
      retryAfterSeconds: 1,
    });
  }
  // Someone else finished it first: theirs is the enrollment.
  if (!saved) throw alreadyRedeemed(claim.id);
  // The answer stored with the enrollment, when it was, is the one to give: the very same bytes.
  return saved.answer ?? viewOf(saved);
}

const viewOf = (r: RedemptionRows): EnrollmentView => enrollmentView(r.enrollment, r.events, r.deliveries);

/**
 * The sweeper's half of the durability rule: enrollments of claims the platform accepted whose
 * writer failed, written from the claims alone, without waiting for the provider to come back.
 */
export async function finishAcceptedRedemptions(db: Db, limit = 100): Promise<number> {
  let finished = 0;
  for (const claim of await acceptedClaims(db, limit)) {
    const saved = await recordRedemption(db, { id: claim.id, plan: claim.plan as unknown as RedemptionPlan }, { platformReference: claim.platformReference, redeemedAt: claim.redeemedAt ?? claim.createdAt }, (row) => [
      deliveryFor('prakerja.redemption', row),
    ]);
    if (saved) finished++;
  }
  return finished;
}

/** Adapter failures that prove the platform did not redeem: the claim can be given back. */
function consumedNothing(e: AdapterError): boolean {
  switch (e.kind) {
    case 'voucher_not_found':
    case 'voucher_already_redeemed':
    case 'voucher_expired':
    case 'voucher_refunded':
    case 'invalid_request':
    case 'auth_failed':
    case 'rate_limited':
      return true;
    case 'platform_unavailable':
    case 'timeout':
    case 'unexpected_response':
      return false;
    default:
      return assertNever(e.kind);
  }
}

function leaseFrom(deps: AppDeps): Date {
  return new Date(deps.now().getTime() + deps.config.redemptionLeaseMs);
}

function inProgress(deps: AppDeps, holder: ClaimRow | undefined): ProblemError {
  const leftMs = holder?.leaseUntil ? holder.leaseUntil.getTime() - deps.now().getTime() : 0;
  return new ProblemError(409, 'redemption_in_progress', 'This voucher is being redeemed', {
    detail: 'Another request is redeeming this voucher right now; retry shortly to get its outcome.',
    retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)),
    errors: [{ field: 'voucherCode', rule: 'not_in_progress', message: 'a redemption of this voucher is in progress' }],
  });
}

function pickPlatform(deps: AppDeps, input: RedemptionInput): PlatformId {
  const r = resolvePlatform(input.voucherCode, input.platform, Object.values(deps.platforms));
  if (r.ok) return r.platform;
  if (r.reason === 'ambiguous') {
    throw new ProblemError(422, 'platform_ambiguous', 'Cannot tell which platform sold this voucher', {
      detail: `The code fits the formats of ${r.candidates.join(' and ')}; send \`platform\`.`,
      candidates: r.candidates,
      errors: [{ field: 'platform', rule: 'required_when_ambiguous', message: `one of: ${r.candidates.join(', ')}` }],
    });
  }
  throw new ProblemError(422, 'voucher_format_unknown', 'Voucher code format not recognised', {
    detail: 'No platform issues codes of this shape; check the code or send `platform`.',
    errors: [{ field: 'voucherCode', rule: 'known_format', message: 'matches no platform voucher format' }],
  });
}

function alreadyRedeemed(enrollmentId: string | undefined): ProblemError {
  return new ProblemError(409, 'voucher_already_redeemed', 'Voucher already redeemed', {
    detail: 'This voucher has already been redeemed through the gateway; a redeem cannot be repeated.',
    enrollmentId,
    errors: [{ field: 'voucherCode', rule: 'unredeemed', message: 'already redeemed' }],
  });
}

function refusalProblem(r: RedemptionRefusal, platform: PlatformId): ProblemError {
  const field = (field: string, rule: string, message: string) => [{ field, rule, message }];
  switch (r.code) {
    case 'voucher_not_found':
      return new ProblemError(422, 'voucher_not_found', 'Voucher not found', { platform, errors: field('voucherCode', 'exists', `no such voucher at ${platform}`) });
    case 'course_of_another_provider':
      return new ProblemError(422, 'voucher_not_for_provider', 'Voucher is for another provider’s course', { platform, errors: field('voucherCode', 'own_course', 'the voucher was bought for a course of another training provider') });
    case 'card_mismatch':
      return new ProblemError(422, 'card_mismatch', 'Card number is not the buyer’s', { platform, errors: field('cardNumber', 'buyer_card', 'the voucher was bought with another Kartu Prakerja number') });
    case 'voucher_expired':
      return new ProblemError(422, 'voucher_expired', 'Voucher expired', { platform, expiresAt: r.expiresAt.toISOString(), errors: field('voucherCode', 'not_expired', `expired at ${r.expiresAt.toISOString()}`) });
    case 'voucher_refunded':
      return new ProblemError(422, 'voucher_refunded', 'Voucher refunded or cancelled', { platform, errors: field('voucherCode', 'not_refunded', `the platform reports it as ${r.state}`) });
    case 'voucher_already_redeemed':
      return new ProblemError(409, 'voucher_already_redeemed', 'Voucher already redeemed', { platform, platformState: r.state, errors: field('voucherCode', 'unredeemed', `the platform reports it as ${r.state}`) });
  }
}

async function lookupParticipant(deps: AppDeps, providerId: string, cardNumber: string) {
  const creds = await deps.prakerjaCredentials(providerId);
  if (!creds) throw problems.prakerjaCredentialsMissing(providerId);
  return deps.prakerja.lookupParticipant(creds, cardNumber).catch((e) => Promise.reject(platformProblem(e)));
}
