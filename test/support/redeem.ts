import type { PlatformId } from '../../src/domain/types.js';
import { simVoucher } from './sim-data.js';
import type { World } from './world.js';

/**
 * Redeems a voucher of `platform` for a participant prakerja.go.id knows as `registered` and the
 * platform as `onPlatform` (a differing buyer name sends the redemption to name review).
 */
export function redeemAs(w: World, platform: PlatformId, v: { code: string; card: string; registered: string; onPlatform: string; email: string }): Promise<Response> {
  w.sandbox.prakerja.addParticipant({ cardNumber: v.card, name: v.registered, status: 'active' });
  w.sandbox.platforms[platform].addVoucher(simVoucher({ code: v.code, cardNumber: v.card, buyerName: v.onPlatform }));
  return w.post('/v1/redemptions', { voucherCode: v.code, cardNumber: v.card, participant: { name: v.registered, email: v.email }, platform });
}
