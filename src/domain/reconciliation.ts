import { ENROLLMENT_STATES, type EnrollmentState } from './types.js';

/**
 * Reconciliation rules as pure data and predicates. The comparison itself runs as SQL over
 * staged listings (services/recon), but *what counts as agreeing* is decided here, enumerated
 * into small lookup tables the SQL joins against, so the rules can be read and tested alone.
 */

export const DISCREPANCY_KINDS = [
  /** Gateway, platform and prakerja.go.id disagree on where an enrollment stands (all three views kept). */
  'status_differs',
  /** The gateway redeemed a voucher in the window that the platform's listing does not have. */
  'missing_at_platform',
  /** The platform says a voucher was redeemed (or further) but the gateway has no enrollment for it. */
  'missing_at_gateway',
  /** A reviewed or mismatched name holds the flow to prakerja.go.id and no operator has accepted it. */
  'name_mismatch_pending',
  /** Passed more than 7×24 h ago and the certificate has not reached prakerja.go.id (its sync SLA). */
  'completed_not_reported_7d',
  /** Passed longer ago than the configured time and the participant has not rated and reviewed it. */
  'completed_no_review',
  /** A delivery to a platform or prakerja.go.id gave up after its last attempt. */
  'dead_letter',
  /** A purchased voucher nobody redeemed, expiring within the configured days. */
  'voucher_expiring_unredeemed',
  /**
   * A redemption that stopped between the platform and the enrollment (the platform accepted or
   * may have accepted the redeem; the enrollment is not written). The provider's next attempt or
   * the sweeper finishes it; until then it is a finding.
   */
  'redemption_unfinished',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

/** prakerja.go.id's sync window (the seeds: data reaches it within 7×24 h). */
export const NOT_REPORTED_AFTER_HOURS = 7 * 24;

export interface ReconSettings {
  /** completed_no_review fires this long after a passed completion without a review. */
  noReviewAfterHours: number;
  /** voucher_expiring_unredeemed looks this many days ahead. */
  expiringWithinDays: number;
}

/** The seeds: a review is possible from 1×24 h after finishing; three days without one is worth a nudge. */
export const DEFAULT_RECON_SETTINGS: ReconSettings = { noReviewAfterHours: 72, expiringWithinDays: 3 };

/**
 * Where a delivery stands, as the comparison needs it. A dead letter counts as in flight: the
 * destination may lag because of it, and the dead letter is reported as its own finding rather
 * than twice.
 */
export const DELIVERY = { none: 0, inFlight: 1, delivered: 2 } as const;
export type DeliveryProgress = (typeof DELIVERY)[keyof typeof DELIVERY];
const PROGRESS: readonly DeliveryProgress[] = [DELIVERY.none, DELIVERY.inFlight, DELIVERY.delivered];

export type Outcome = 'none' | 'passed' | 'failed';
const OUTCOMES: readonly Outcome[] = ['none', 'passed', 'failed'];

/* ------------------------------------------------------------------ gateway ↔ platform ---- */

export interface GatewayForPlatform {
  outcome: Outcome;
  reviewed: boolean;
  /** The `platform.completion` delivery. */
  completion: DeliveryProgress;
}

/** How far along a platform can see a training: redeemed (1), finished (2), reviewed (3). */
function platformStep(s: EnrollmentState): 0 | 1 | 2 | 3 | undefined {
  switch (s) {
    case 'purchased':
      return 0;
    case 'redeemed':
    case 'in_progress':
      return 1;
    case 'completed':
    case 'failed':
      return 2;
    case 'reviewed':
    case 'certified':
    case 'reported':
      return 3;
    case 'expired':
    case 'refunded':
    case 'revoked':
      return undefined;
  }
}

/**
 * Whether the platform's state fits what the gateway knows. The platform may lag while the
 * gateway's completion report to it is still on its way; it may never be ahead of the gateway
 * (a review the gateway never heard of is a lost callback), and a side exit (refund, expiry,
 * cancellation) of a voucher the gateway has an enrollment for always needs an operator.
 */
export function platformAgrees(platform: EnrollmentState, g: GatewayForPlatform): boolean {
  const step = platformStep(platform);
  if (step === undefined || step === 0) return false;
  if (step === 1) return g.outcome === 'none' || g.completion !== DELIVERY.delivered;
  if (g.outcome === 'none' || g.completion === DELIVERY.none) return false;
  const platformOutcome: Outcome = platform === 'failed' ? 'failed' : 'passed';
  if (platformOutcome !== g.outcome) return false;
  // A review made on prakerja.go.id's dashboard leaves the platform at "finished": that is fine.
  // A certificate shown by the platform may be its own doing (Kemnaker's "Lulus" follows Sisnaker's
  // acceptance, not a review); only a review at the platform must have reached the gateway.
  return platform !== 'reviewed' || g.reviewed;
}

/** Every (platform state, outcome, reviewed, completion delivery) that agrees: the SQL's lookup table. */
export function platformAgreementTable(): Array<[EnrollmentState, Outcome, boolean, DeliveryProgress]> {
  const rows: Array<[EnrollmentState, Outcome, boolean, DeliveryProgress]> = [];
  for (const p of ENROLLMENT_STATES)
    for (const outcome of OUTCOMES)
      for (const reviewed of [false, true])
        for (const completion of PROGRESS) if (platformAgrees(p, { outcome, reviewed, completion })) rows.push([p, outcome, reviewed, completion]);
  return rows;
}

/* ------------------------------------------------------------------ gateway ↔ prakerja ---- */

export const PRAKERJA_VIEWS = ['none', 'redeemed', 'completed', 'failed', 'reported'] as const;
export type PrakerjaView = (typeof PRAKERJA_VIEWS)[number];

export interface GatewayForPrakerja {
  outcome: Outcome;
  redemption: DeliveryProgress;
  completion: DeliveryProgress;
  certificate: DeliveryProgress;
}

const VIEW_STEP = { none: 0, redeemed: 1, completed: 2, failed: 2, reported: 3 } as const satisfies Record<PrakerjaView, number>;

/**
 * Whether prakerja.go.id holds what the gateway's own outbox says it delivered: at least every
 * delivered report, at most what is delivered or on its way, and the same outcome. Reports held
 * back (a name under review) are neither, so prakerja.go.id must not have them.
 */
export function prakerjaAgrees(view: PrakerjaView, g: GatewayForPrakerja): boolean {
  const steps: Array<[number, DeliveryProgress]> = [
    [1, g.redemption],
    [2, g.completion],
    [3, g.certificate],
  ];
  const delivered = Math.max(0, ...steps.filter(([, d]) => d === DELIVERY.delivered).map(([s]) => s));
  const possible = Math.max(delivered, ...steps.filter(([, d]) => d !== DELIVERY.none).map(([s]) => s));
  const v = VIEW_STEP[view];
  if (v < delivered || v > possible) return false;
  if (v < 2) return true;
  return (view === 'failed' ? 'failed' : 'passed') === g.outcome;
}

export function prakerjaAgreementTable(): Array<[PrakerjaView, Outcome, DeliveryProgress, DeliveryProgress, DeliveryProgress]> {
  const rows: Array<[PrakerjaView, Outcome, DeliveryProgress, DeliveryProgress, DeliveryProgress]> = [];
  for (const view of PRAKERJA_VIEWS)
    for (const outcome of OUTCOMES)
      for (const redemption of PROGRESS)
        for (const completion of PROGRESS)
          for (const certificate of PROGRESS) if (prakerjaAgrees(view, { outcome, redemption, completion, certificate })) rows.push([view, outcome, redemption, completion, certificate]);
  return rows;
}

/* ------------------------------------------------------------------ platform listing ---- */

/**
 * States in which a platform's voucher has certainly been redeemed by someone: with no enrollment
 * at the gateway, the redemption went around it (or its record was lost).
 */
export const REDEEMED_AT_PLATFORM: readonly EnrollmentState[] = ['redeemed', 'in_progress', 'completed', 'failed', 'reviewed', 'certified', 'reported'];
