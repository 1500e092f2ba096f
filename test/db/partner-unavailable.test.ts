/**
 * A partner out of reach is the provider's 503 `partner_unavailable`, naming the partner, with
 * Retry-After (the partner's own when it sent one), and nothing written; never a 500.
 */
import { count } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { enrollments, voucherClaims } from '../../src/db/schema.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const siti = { cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } };

async function rows() {
  const db = w.deps.database.db;
  const [e] = await db.select({ n: count() }).from(enrollments);
  const [c] = await db.select({ n: count() }).from(voucherClaims);
  return { enrollments: e.n, claims: c.n };
}

async function expectPartnerUnavailable(res: Response, want: { platform: string; reason: string; retryAfter: number }) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('retry-after')).toBe(String(want.retryAfter));
  const body = await res.json();
  expect(body).toMatchObject({ code: 'partner_unavailable', status: 503, platform: want.platform, reason: want.reason, retryAfterSeconds: want.retryAfter });
  expect(body.detail).toContain(want.platform);
  return body;
}

describe('a partner out of reach', () => {
  it('a platform refusing connections: 503 naming it, Retry-After 5, no claim taken', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPNOCONN001', buyerName: 'Siti Rahmawati' }));
    w.server.use(http.get(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPNOCONN001`, () => HttpResponse.error(), { once: true }));
    const before = await rows();
    await expectPartnerUnavailable(await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPNOCONN001' }), { platform: 'tokopedia', reason: 'unreachable', retryAfter: 5 });
    expect(await rows()).toEqual(before);
    // Back again: the same request goes through.
    expect((await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPNOCONN001' })).status).toBe(201);
  });

  it('prakerja.go.id rate-limiting with its own Retry-After: 503 naming prakerja, that Retry-After, nothing written', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPLIMITED01', buyerName: 'Siti Rahmawati' }));
    w.server.use(
      http.post(`${SANDBOX_BASE}/sandbox/prakerja/api/v1/integration/participant/lookup`, () => HttpResponse.json({ success: false, message: 'slow down' }, { status: 429, headers: { 'retry-after': '7' } }), { once: true }),
    );
    const before = await rows();
    await expectPartnerUnavailable(await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPLIMITED01' }), { platform: 'prakerja', reason: 'rate_limited', retryAfter: 7 });
    expect(await rows()).toEqual(before);
  });

  it('a voucher read against a platform answering 503 with Retry-After 12: the gateway passes the 12 on', async () => {
    w.server.use(http.get(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPA1B2C3D4E`, () => new HttpResponse('maintenance', { status: 503, headers: { 'retry-after': '12' } }), { once: true }));
    await expectPartnerUnavailable(await w.get('/v1/vouchers/TKPA1B2C3D4E?platform=tokopedia'), { platform: 'tokopedia', reason: 'unreachable', retryAfter: 12 });
  });
});
