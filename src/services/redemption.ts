import { AdapterError } from '../../adapters/types.js';
import { findCourseTitle } from '../db/catalogue-store.js';
import { findClaim, recordRedemption, releaseClaim, takeClaim } from '../db/enrollment-store.js';
import { checkNames } from '../domain/name-check.js';
import { checkRedeemable, resolvePlatform, type RedemptionRefusal } from '../domain/redemption.js';
import { PLATFORM_IDS, type PlatformId } from '../domain/types.js';
import { ProblemError } from '../lib/problem.js';
import type { AppDeps } from '../app/context.js';
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
 * claim is taken and the platform is asked to consume the voucher.
 */
export async function redeemVoucher(deps: AppDeps, providerId: string, input: RedemptionInput): Promise<EnrollmentView> {
  const db = deps.database.db;
  const platform = pickPlatform(deps, input);
  const adapter = deps.platforms[platform];

  const earlier = await findClaim(db, platform, input.voucherCode);
  if (earlier) throw alreadyRedeemed(earlier.id);

  // The two partner reads are independent: ask both at once. The voucher's verdict still comes
  // first, so a provider learns of a wrong voucher before a problem with the card.
  const participantLookup = lookupParticipant(deps, providerId, input.cardNumber);
  participantLookup.catch(() => {}); // settled below; a voucher refusal must not leave it unhandled
  const voucher = await adapter.getVoucher(input.voucherCode).catch((e) => Promise.reject(platformProblem(e)));
  const refusal = checkRedeemable(voucher, { cardNumber: input.cardNumber, providerId, now: deps.now() });
  if (refusal) {
    // A racer may have redeemed it through us between our first look and the platform's answer: name its enrollment.
    const claim = refusal.code === 'voucher_already_redeemed' ? await findClaim(db, platform, input.voucherCode) : undefined;
    throw claim ? alreadyRedeemed(claim.id) : refusalProblem(refusal, platform);
  }

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
      nameCheck: { decision: names.decision, score: names.score, explanation: names.explanation, pairs: names.pairs },
      errors: [{ field: 'participant.name', rule: 'matches_registered_name', message: 'differs from the name registered at prakerja.go.id or on the platform' }],
    });
  }

  const enrollmentId = crypto.randomUUID();
  const claim = await takeClaim(db, { id: enrollmentId, platform, voucherCode: input.voucherCode, providerId });
  if (!claim.taken) throw alreadyRedeemed(claim.holder?.id);

  let redeemed;
  try {
    redeemed = await adapter.redeemVoucher({
      voucherCode: input.voucherCode,
      cardNumber: input.cardNumber,
      participantName: input.participant.name,
      participantEmail: input.participant.email,
      // Stable per voucher, so a retry after a timeout is a replay at the platform, not a second redeem.
      idempotencyKey: `redeem:${platform}:${input.voucherCode}`,
    });
  } catch (e) {
    await releaseClaim(db, enrollmentId);
    throw e instanceof AdapterError ? platformProblem(e) : e;
  }

  const at = deps.now();
  const saved = await recordRedemption(
    db,
    {
      id: enrollmentId,
      providerId,
      platform,
      voucherCode: input.voucherCode,
      courseId: voucher!.courseId,
      courseTitle: (await findCourseTitle(db, voucher!.courseId)) ?? voucher!.courseId,
      cardNumber: input.cardNumber,
      participantName: input.participant.name,
      participantEmail: input.participant.email,
      platformBuyerName: voucher!.buyerName,
      prakerjaName: participant.name,
      nameScore: names.score,
      nameDecision: names.decision,
      nameExplanation: names.explanation,
      state: 'redeemed',
      platformReference: redeemed.platformReference,
      redeemedAt: redeemed.redeemedAt,
    },
    [
      { type: 'voucher_purchased', toState: 'purchased', source: 'platform', occurredAt: voucher!.purchasedAt, detail: { platformStatus: voucher!.platformStatus } },
      { type: 'name_checked', source: 'gateway', occurredAt: at, detail: { decision: names.decision, score: names.score, explanation: names.explanation } },
      { type: 'voucher_redeemed', fromState: 'purchased', toState: 'redeemed', source: 'provider', occurredAt: redeemed.redeemedAt, detail: { platformReference: redeemed.platformReference } },
      ...(names.decision === 'review' ? [{ type: 'name_review_required', source: 'gateway', occurredAt: at, detail: { score: names.score } }] : []),
    ],
    (row) => [deliveryFor('prakerja.redemption', row)],
  );
  return enrollmentView(saved.enrollment, saved.events, saved.deliveries);
}

function pickPlatform(deps: AppDeps, input: RedemptionInput): PlatformId {
  const r = resolvePlatform(input.voucherCode, input.platform, PLATFORM_IDS.map((id) => deps.platforms[id]));
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
  if (!creds) throw new ProblemError(500, 'prakerja_credentials_missing', 'No prakerja.go.id credentials for this provider', { detail: 'Ask the gateway operators to configure your client code and key.' });
  return deps.prakerja.lookupParticipant(creds, cardNumber).catch((e) => Promise.reject(platformProblem(e)));
}
