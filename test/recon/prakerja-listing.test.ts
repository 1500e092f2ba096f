import { afterAll, describe, expect, it } from 'vitest';
import { createPrakerjaAdapter } from '../../adapters/prakerja/index.js';
import { createPrakerjaSimulator } from '../../adapters/prakerja/simulator.js';
import type { PrakerjaCredentials, PrakerjaReportView } from '../../adapters/types.js';
import { pages } from '../../src/services/recon/stage.js';
import { forwardTo, mockNetwork } from '../support/msw.js';

/** The MODELLED report listing, through the adapter's real signing and parsing against the sandbox. */
const BASE = 'https://prakerja-listing.sandbox.test';
const NOW = new Date('2026-11-24T03:04:05.000Z');
const A: PrakerjaCredentials = { clientCode: 'lpk-a', signKey: 'key-a' };
const B: PrakerjaCredentials = { clientCode: 'lpk-b', signKey: 'key-b' };

const sim = createPrakerjaSimulator({ clients: { [A.clientCode]: A.signKey, [B.clientCode]: B.signKey }, now: () => NOW });
const server = mockNetwork(forwardTo(BASE, sim.app));
afterAll(() => server.close());
const adapter = createPrakerjaAdapter({ baseUrl: BASE, callbackKey: 'cb' }, { fetch: (i, init) => fetch(i, init), timeoutMs: 1000, now: () => NOW });

const at = (minutes: number) => new Date(NOW.getTime() - 86_400_000 + minutes * 60_000);
function report(i: number, client: PrakerjaCredentials, state: PrakerjaReportView['state']) {
  const id = `enr-${String(i).padStart(3, '0')}`;
  const common = { enrollmentId: id, voucherCode: `TK${i}`, cardNumber: '5201123456780001', platform: 'tokopedia' as const, idempotencyKey: id };
  const received = { reference: `R${i}`, receivedAt: at(i), clientCode: client.clientCode };
  sim.state.recordReport(id, 'redemption', { ...received, report: { ...common, courseId: 'C', redeemedAt: at(i) } });
  if (state === 'redeemed') return;
  const certificate = { number: 'N', issuedAt: at(i), url: 'https://x.example/c.pdf', sha256: 'a'.repeat(64) };
  sim.state.recordReport(id, 'completion', { ...received, report: { ...common, participantName: 'X', courseId: 'C', outcome: state === 'failed' ? 'failed' : 'passed', score: 80, completedAt: at(i), certificate } });
  if (state === 'reported') sim.state.recordReport(id, 'certificate', { ...received, report: { ...common, certificate, reviewedAt: at(i) } });
}

const states = ['redeemed', 'completed', 'failed', 'reported'] as const;
for (let i = 1; i <= 25; i++) report(i, i % 5 === 0 ? B : A, states[i % 4]);

const all = async (creds: PrakerjaCredentials, from: Date, to: Date, limit: number) => {
  const out: PrakerjaReportView[] = [];
  for await (const page of pages((cursor) => adapter.listReports(creds, { from, to, cursor, limit }))) out.push(...page);
  return out;
};

describe('prakerja.go.id report listing (MODELLED)', () => {
  it('pages through a provider’s own enrollments in the window, with the furthest report of each', async () => {
    const got = await all(A, at(3), at(21), 4);
    expect(got.map((v) => v.enrollmentId)).toEqual([3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19].map((i) => `enr-${String(i).padStart(3, '0')}`));
    expect(got.find((v) => v.enrollmentId === 'enr-003')).toEqual({ enrollmentId: 'enr-003', voucherCode: 'TK3', platform: 'tokopedia', state: 'reported' });
    expect(got.find((v) => v.enrollmentId === 'enr-004')!.state).toBe('redeemed');
    expect(got.find((v) => v.enrollmentId === 'enr-006')!.state).toBe('failed');
    expect(got.find((v) => v.enrollmentId === 'enr-009')!.state).toBe('completed');
  });

  it('shows another provider only its own', async () => {
    expect((await all(B, at(0), at(100), 1000)).map((v) => v.enrollmentId)).toEqual(['enr-005', 'enr-010', 'enr-015', 'enr-020', 'enr-025']);
  });

  it('a report arriving while paging does not shift or repeat the pages (keyset cursor)', async () => {
    const first = await adapter.listReports(A, { from: at(0), to: at(100), limit: 5 });
    report(2, A, 'reported');
    const rest: PrakerjaReportView[] = [];
    for await (const page of pages((cursor) => adapter.listReports(A, { from: at(0), to: at(100), cursor: cursor ?? first.nextCursor, limit: 5 }))) rest.push(...page);
    const ids = [...first.items, ...rest].map((v) => v.enrollmentId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(20);
  });

  it('two providers paged at once each get their own listing, as when paged one after the other', async () => {
    const alone = [await all(A, at(0), at(100), 3), await all(B, at(0), at(100), 2)];
    const together = await Promise.all([all(A, at(0), at(100), 3), all(B, at(0), at(100), 2)]);
    expect(together).toEqual(alone);
    expect(alone[1].map((v) => v.enrollmentId)).toEqual(['enr-005', 'enr-010', 'enr-015', 'enr-020', 'enr-025']);
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(adapter.listReports(A, { from: at(0), to: at(100), cursor: 'garbage' })).rejects.toMatchObject({ name: 'AdapterError' });
  });
});
