import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inboundEvents } from '../../src/db/schema.js';
import { useWorld } from '../support/world.js';

const w = useWorld();

describe('a correctly signed callback carrying text no column can store', () => {
  it('is refused with a 400 naming the field, and nothing is stored', async () => {
    const db = w.deps.database.db;
    const redeemed = await w.post('/v1/redemptions', { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } });
    expect(redeemed.status).toBe(201);
    const [before] = await db.select({ n: count() }).from(inboundEvents);
    const res = await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPA1B2C3D4E', rating: 5, review: 'bagus\u0000sekali', reviewedAt: new Date() });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ errors: [{ rule: 'no_control_characters' }] });
    const [after] = await db.select({ n: count() }).from(inboundEvents);
    expect(after.n).toBe(before.n);

    // The same callback with clean text is taken.
    const ok = await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPA1B2C3D4E', rating: 5, review: 'bagus sekali', reviewedAt: new Date() });
    expect(ok.status).toBe(200);
  });
});
