import { simVoucher } from './sim-data.js';
import type { World } from './world.js';

/**
 * Redeems a Tokopedia voucher for a participant prakerja.go.id knows as `registered` and the
 * platform as `onPlatform` (a differing buyer name sends the redemption to name review).
 */
export function redeemOnTokopedia(w: World, v: { code: string; card: string; registered: string; onPlatform: string; email: string }): Promise<Response> {
  w.sandbox.prakerja.addParticipant({ cardNumber: v.card, name: v.registered, status: 'active' });
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: v.code, cardNumber: v.card, buyerName: v.onPlatform }));
  return w.post('/v1/redemptions', { voucherCode: v.code, cardNumber: v.card, participant: { name: v.registered, email: v.email }, platform: 'tokopedia' });
}
