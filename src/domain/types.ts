/**
 * Canonical types: the only vocabulary the gateway speaks outside `adapters/`.
 * Adapters translate every platform's dialect into these.
 */

export const PLATFORM_IDS = ['tokopedia', 'bukalapak', 'kemnaker', 'kariermu'] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

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
