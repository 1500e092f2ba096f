import type { CanonicalVoucher, PlatformId } from './types.js';

/** Why a voucher cannot be redeemed by this provider for this card, before anything is consumed. */
export type RedemptionRefusal =
  | { code: 'voucher_not_found' }
  | { code: 'voucher_already_redeemed'; state: string }
  | { code: 'voucher_expired'; expiresAt: Date }
  | { code: 'voucher_refunded'; state: string }
  | { code: 'card_mismatch' }
  | { code: 'course_of_another_provider' };

/**
 * The checks the seeds ask for before a redeem, which cannot be repeated: the voucher exists, is
 * unredeemed, was bought with this card, is for a course of this provider and has not expired.
 */
export function checkRedeemable(
  voucher: CanonicalVoucher | null,
  ask: { cardNumber: string; providerId: string; now: Date },
): RedemptionRefusal | null {
  if (!voucher) return { code: 'voucher_not_found' };
  if (voucher.providerId !== ask.providerId) return { code: 'course_of_another_provider' };
  if (voucher.cardNumber !== ask.cardNumber) return { code: 'card_mismatch' };
  if (voucher.state === 'refunded' || voucher.state === 'revoked') return { code: 'voucher_refunded', state: voucher.state };
  if (voucher.state === 'expired' || voucher.expiresAt <= ask.now) return { code: 'voucher_expired', expiresAt: voucher.expiresAt };
  if (voucher.state !== 'purchased') return { code: 'voucher_already_redeemed', state: voucher.state };
  return null;
}

export type PlatformResolution =
  | { ok: true; platform: PlatformId }
  | { ok: false; reason: 'ambiguous'; candidates: PlatformId[] }
  | { ok: false; reason: 'unknown_format' };

/** Which platform sold a voucher: the provider's word if given, else the one code format that fits. */
export function resolvePlatform(
  code: string,
  explicit: PlatformId | undefined,
  formats: ReadonlyArray<{ id: PlatformId; voucherCodePattern: RegExp }>,
): PlatformResolution {
  if (explicit) return { ok: true, platform: explicit };
  const candidates = formats.filter((f) => f.voucherCodePattern.test(code)).map((f) => f.id);
  if (candidates.length === 1) return { ok: true, platform: candidates[0] };
  return candidates.length === 0 ? { ok: false, reason: 'unknown_format' } : { ok: false, reason: 'ambiguous', candidates };
}
