import { describe, expect, it } from 'vitest';
import { createGatewayClient, idempotencyKey } from '../../clients/typescript/src/index.js';
import { useWorld } from '../support/world.js';

const w = useWorld();

describe('the typed client (clients/typescript) against a gateway', () => {
  it('walks the tour: redeem, read, progress, completion, redeem code — with the types the routes declare', async () => {
    const client = createGatewayClient('http://gateway.test', { token: await w.token(), fetch: async (input, init) => w.app.fetch(new Request(input, init)) });

    const redeemed = await client.redemptions.$post({
      header: { 'idempotency-key': idempotencyKey() },
      json: { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } },
    });
    expect(redeemed.status).toBe(201);
    if (redeemed.status !== 201) return;
    const enrollment = await redeemed.json();
    expect(enrollment).toMatchObject({ state: 'redeemed', participant: { cardNumber: '5201********0001' } });

    const read = await client.enrollments[':id'].$get({ param: { id: enrollment.id } });
    expect(read.status).toBe(200);
    if (read.status === 200) expect((await read.json()).id).toBe(enrollment.id);

    const at = new Date(Date.now() + 1000).toISOString();
    const progress = await client.enrollments[':id'].progress.$post({ param: { id: enrollment.id }, header: { 'idempotency-key': idempotencyKey() }, json: { sequence: 1, attendedAt: at } });
    expect(progress.status).toBe(200);
    if (progress.status === 200) expect((await progress.json()).sessionsAttended).toBe(1);

    const completion = await client.enrollments[':id'].completion.$post({
      param: { id: enrollment.id },
      header: { 'idempotency-key': idempotencyKey() },
      json: { outcome: 'passed', score: 88, completedAt: at, certificate: { number: 'CERT-TOUR-1', issuedAt: at, url: 'https://lpk.example/c.pdf', sha256: 'a'.repeat(64) } },
    });
    expect(completion.status).toBe(200);
    if (completion.status === 200) expect((await completion.json()).completion).toMatchObject({ outcome: 'passed', score: 88 });

    const code = await client.redeemCodes.$post({ header: { 'idempotency-key': idempotencyKey() }, json: { redeemCode: 'RC-SPL-0001', sequence: 1 } });
    expect(code.status).toBe(201);
    if (code.status === 201) expect(await code.json()).toMatchObject({ redeemCode: 'RC-SPL-0001', status: 'committed' });
  });

  it('a refusal comes back as the declared problem status', async () => {
    const client = createGatewayClient('http://gateway.test', { token: await w.token(), fetch: async (input, init) => w.app.fetch(new Request(input, init)) });
    const res = await client.redemptions.$post({
      header: { 'idempotency-key': idempotencyKey() },
      json: { voucherCode: 'TKPQ9W8E7R6T', cardNumber: '6471055566770006', participant: { name: 'Agus Santoso', email: 'a@example.id' } },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
