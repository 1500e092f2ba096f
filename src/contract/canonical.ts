/**
 * Canonical types: the only vocabulary the gateway speaks outside `adapters/`. Adapters translate
 * every platform's dialect into these. The platform ids are not listed here: they come from the
 * registry's definitions (adapters/registry.ts), so adding a platform touches no domain file.
 */
import type { PlatformId } from '../../adapters/registry.js';

export type { PlatformId };

/** Enrollment lifecycle (DESIGN.md): states only move forward; side exits are terminal. */
export const ENROLLMENT_STATES = [
  'purchased',
  'redeemed',
  'in_progress',
  'completed',
  'failed',
  'reviewed',
  'certified',
  'reported',
  'expired',
  'refunded',
  'revoked',
] as const;
export type EnrollmentState = (typeof ENROLLMENT_STATES)[number];

/**
 * How the training reaches the participant. `provider_delivered`: the platform sells a voucher and
 * the provider redeems it and teaches (Tokopedia, Bukalapak, Sisnaker, Karier.mu).
 * `platform_delivered`: the platform's own learning system teaches and reports progress; there is
 * no voucher for the provider to redeem, and the provider confirms completion through the gateway.
 */
export const DELIVERY_SHAPES = ['provider_delivered', 'platform_delivered'] as const;
export type DeliveryShape = (typeof DELIVERY_SHAPES)[number];

/** A voucher as a platform reports it, in canonical terms. */
export interface CanonicalVoucher {
  platform: PlatformId;
  code: string;
  state: EnrollmentState;
  /** The platform's own status word, kept for operators. */
  platformStatus: string;
  cardNumber: string;
  buyerName: string;
  buyerEmail?: string;
  courseId: string;
  providerId: string;
  purchasedAt: Date;
  expiresAt: Date;
  redeemedAt?: Date;
}

export interface Participant {
  cardNumber: string;
  name: string;
  /** prakerja.go.id's account status, e.g. active / revoked. */
  status: 'active' | 'revoked';
}

export type EventSource = 'provider' | 'platform' | 'prakerja' | 'ops' | 'gateway';
