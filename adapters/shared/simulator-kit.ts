import type { EnrollmentState, PlatformId } from '../../src/domain/types.js';

/**
 * The state every sandbox simulator keeps, in canonical terms; each simulator renders it in its
 * own platform's dialect. Simulators record what they received and dedupe by idempotency key,
 * so a redelivery is visible and harmless, as at a real platform that honours keys.
 */
export interface SimVoucher {
  code: string;
  cardNumber: string;
  buyerName: string;
  buyerEmail: string;
  courseId: string;
  courseTitle: string;
  providerId: string;
  state: EnrollmentState;
  purchasedAt: Date;
  expiresAt: Date;
  redeemedAt?: Date;
  /** Last change at the platform; listings for reconciliation filter on it. Defaults to purchasedAt. */
  updatedAt?: Date;
  completion?: { outcome: 'passed' | 'failed'; score: number; completedAt: Date; certificateNumber?: string };
  review?: { rating: number; review: string; reviewedAt: Date };
}

/**
 * What a simulator can tell the gateway through its callback door, in canonical terms; each
 * simulator words and signs it in its platform's own scheme. `raw` sends an event type the
 * gateway does not know, to prove it is stored and acknowledged rather than crashed on.
 */
export type SimCallbackEvent =
  | { kind: 'purchase.made'; voucher: SimVoucher }
  | { kind: 'review.submitted'; voucherCode: string; rating: number; review: string; reviewedAt: Date }
  | { kind: 'voucher.refunded'; voucherCode: string; at: Date }
  | { kind: 'voucher.expired'; voucherCode: string; at: Date }
  | { kind: 'completion.accepted'; voucherCode: string; at: Date }
  | { kind: 'completion.rejected'; voucherCode: string; reason: string; at: Date }
  | { kind: 'raw'; platformType: string; payload: Record<string, unknown> };

/** A signed callback ready to POST to the gateway's `/v1/callbacks/<platform>`. */
export interface SignedCallback {
  eventId: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Builds a signed callback. `eventId` and `at` default to a fresh id and now; tests pass them to
 * replay an event or to forge a stale one.
 */
export type CallbackSigner = (event: SimCallbackEvent, opts?: { eventId?: string; at?: Date }) => Promise<SignedCallback>;

export type SimRedeemRefusal = 'not_found' | 'card_mismatch' | 'refunded' | 'expired' | 'already_redeemed';

/** Sandbox signatures accept a timestamp within ±5 minutes, like the real schemes they model. */
export const SIM_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

export interface ReceivedCall {
  at: Date;
  method: string;
  path: string;
  idempotencyKey?: string;
  body: unknown;
  /** False when the call was a replay answered from the idempotency store. */
  applied: boolean;
}

export class SimulatorState {
  readonly vouchers = new Map<string, SimVoucher>();
  readonly received: ReceivedCall[] = [];
  private readonly replies = new Map<string, { status: number; body: unknown }>();

  constructor(readonly platform: PlatformId | 'prakerja') {}

  addVoucher(v: SimVoucher): void {
    this.vouchers.set(v.code, v);
  }

  /**
   * Runs `apply` once per idempotency key; a repeat gets the first answer back unchanged.
   * Calls without a key are always applied.
   */
  async once(
    call: Omit<ReceivedCall, 'applied' | 'at'>,
    apply: () => Promise<{ status: number; body: unknown }> | { status: number; body: unknown },
  ): Promise<{ status: number; body: unknown }> {
    const key = call.idempotencyKey;
    const seen = key ? this.replies.get(key) : undefined;
    if (seen) {
      this.received.push({ ...call, at: new Date(), applied: false });
      return seen;
    }
    const reply = await apply();
    // Only successes are remembered: a refused call may be fixed and retried under the same key.
    if (key && reply.status < 400) this.replies.set(key, reply);
    this.received.push({ ...call, at: new Date(), applied: reply.status < 400 });
    return reply;
  }

  /** The platform-side redeem rule, in canonical terms; each simulator words the outcome in its dialect. */
  redeem(code: string, cardNumber: string, now: Date): { ok: true; voucher: SimVoucher } | { ok: false; reason: SimRedeemRefusal } {
    const v = this.vouchers.get(code);
    if (!v) return { ok: false, reason: 'not_found' };
    if (v.cardNumber !== cardNumber) return { ok: false, reason: 'card_mismatch' };
    if (v.state === 'refunded' || v.state === 'revoked') return { ok: false, reason: 'refunded' };
    if (v.state === 'expired' || v.expiresAt <= now) return { ok: false, reason: 'expired' };
    if (v.state !== 'purchased') return { ok: false, reason: 'already_redeemed' };
    v.state = 'redeemed';
    v.redeemedAt = now;
    v.updatedAt = now;
    return { ok: true, voucher: v };
  }

  /** Vouchers changed in [from, to), oldest first: what a platform's listing endpoint pages through. */
  changedBetween(from: Date, to: Date): SimVoucher[] {
    return [...this.vouchers.values()]
      .filter((v) => {
        const t = (v.updatedAt ?? v.purchasedAt).getTime();
        return t >= from.getTime() && t < to.getTime();
      })
      .sort((a, b) => (a.updatedAt ?? a.purchasedAt).getTime() - (b.updatedAt ?? b.purchasedAt).getTime() || a.code.localeCompare(b.code));
  }

  appliedCount(pathIncludes: string): number {
    return this.received.filter((r) => r.applied && r.path.includes(pathIncludes)).length;
  }
}

/**
 * Inverts an exhaustive platform→canonical map so a simulator can speak the platform's words;
 * the first platform word listed for a canonical state wins. Keys come back as strings (object
 * keys), so a platform with numeric codes converts them itself.
 */
export function invertStatusMap(map: Record<string | number, EnrollmentState>): Map<EnrollmentState, string> {
  const out = new Map<EnrollmentState, string>();
  for (const [platformStatus, canonical] of Object.entries(map)) if (!out.has(canonical)) out.set(canonical, platformStatus);
  return out;
}
