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
}

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
    return { ok: true, voucher: v };
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
