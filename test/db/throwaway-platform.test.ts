import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/registry.js';
import { kursusku } from '../platforms/throwaway/kursusku.js';
import { DB_TARGET } from '../support/db.js';
import { useWorld } from '../support/world.js';

/**
 * The proof that a platform is one definition: Kursusku is defined entirely in test/, and handing
 * the gateway the registry plus it is all it takes to redeem and complete there.
 */
const w = useWorld(DB_TARGET, { platforms: [...PLATFORMS, kursusku] });

describe('a platform defined only in test/', () => {
  it('redeems a voucher guessed by its code format, and the completion reaches the platform', async () => {
    // KK-000001 comes from the definition's demoVouchers, seeded like every platform's.
    const res = await w.post('/v1/redemptions', { voucherCode: 'KK-000001', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' } });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ state: 'redeemed', platform: 'kursusku', voucherCode: 'KK-000001', platformReference: 'KK-KK-000001' });
    const sim = w.sandbox.simulators.kursusku.state;
    expect(sim.vouchers.get('KK-000001')!.state).toBe('redeemed');

    const completedAt = new Date(Date.now() + 1000).toISOString();
    const done = await w.post(`/v1/enrollments/${body.id}/completion`, { outcome: 'passed', score: 90, completedAt, certificate: { number: 'CERT-KK-1', issuedAt: completedAt, url: 'https://lpk.example/cert/kk-1.pdf', sha256: 'a'.repeat(64) } });
    expect(done.status, await done.clone().text()).toBe(200);
    await w.dispatcher.drain();
    const e = await (await w.get(`/v1/enrollments/${body.id}`)).json();
    expect(e.deliveries.find((d: { kind: string }) => d.kind === 'platform.completion')).toMatchObject({ status: 'delivered' });
    expect(sim.vouchers.get('KK-000001')).toMatchObject({ state: 'completed', completion: { outcome: 'passed', score: 90 } });
    expect(sim.appliedCount('/completion')).toBe(1);
  });
});
