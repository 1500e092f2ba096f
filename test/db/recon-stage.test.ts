/**
 * Staging a listing: on PostgreSQL one COPY per listing, on PGlite one INSERT per batch, rows only
 * appended and a repeated voucher's older rows deleted once the listing is in. These tests hold it
 * to what the ON CONFLICT version guaranteed: a voucher repeated in a later batch keeps its newest
 * version, a batch the database refuses fails the staging (also when the refusal comes after the
 * last row was sent, which postgres.js alone would wait on forever), and values reach the table
 * as listed whatever characters they hold.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconStagedPrakerja, reconStagedVouchers } from '../../src/db/schema.js';
import type { CanonicalVoucher } from '../../src/domain/types.js';
import type { PrakerjaReportView } from '../../src/contract/adapter.js';
import { stagePrakerjaViews, stageVouchers } from '../../src/services/recon/stage.js';
import { freshDatabase } from '../support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  db = await freshDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

const voucher = (n: number, state: CanonicalVoucher['state'] = 'purchased'): CanonicalVoucher => ({
  platform: 'tokopedia',
  code: `TKS${String(n).padStart(9, '0')}`,
  state,
  platformStatus: state,
  cardNumber: '5201123456780001',
  buyerName: 'Siti Rahayu',
  courseId: 'CRS-EXCEL-01',
  providerId: 'prv-komputer-jaya',
  purchasedAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: new Date('2026-12-31T00:00:00Z'),
});

async function* listing<T>(pages: T[][]): AsyncGenerator<T[]> {
  for (const p of pages) yield p;
}

const staged = (runId: number) =>
  db.db.select({ code: reconStagedVouchers.code, state: reconStagedVouchers.state }).from(reconStagedVouchers).where(eq(reconStagedVouchers.runId, runId)).orderBy(asc(reconStagedVouchers.code));

describe('staging a listing', () => {
  it('keeps the newest version of a voucher repeated in a later batch, and counts each voucher once', async () => {
    // Batches of 2: the third page repeats voucher 1 with a later state, two batches after its first.
    const pages = [[voucher(1), voucher(2)], [voucher(3), voucher(4)], [voucher(1, 'redeemed'), voucher(5)], [voucher(6)]];
    const total = await stageVouchers(db, 101, listing(pages), 2);
    expect(total).toBe(7);
    const rows = await staged(101);
    expect(rows.map((r) => r.code)).toEqual([1, 2, 3, 4, 5, 6].map((n) => voucher(n).code));
    expect(rows.find((r) => r.code === voucher(1).code)?.state).toBe('redeemed');
  });

  it('keeps the newest view of an enrollment repeated in a later batch, and leaves another provider’s views of it alone', async () => {
    const view = (n: number, state: PrakerjaReportView['state'] = 'redeemed'): PrakerjaReportView => ({ enrollmentId: `e0000000-0000-4000-8000-${String(n).padStart(12, '0')}`, voucherCode: `TK${n}`, platform: 'tokopedia', state });
    const views = (runId: number, providerId: string) =>
      db.db
        .select({ id: reconStagedPrakerja.enrollmentId, state: reconStagedPrakerja.state })
        .from(reconStagedPrakerja)
        .where(and(eq(reconStagedPrakerja.runId, runId), eq(reconStagedPrakerja.providerId, providerId)))
        .orderBy(asc(reconStagedPrakerja.enrollmentId), asc(reconStagedPrakerja.state));
    // Another provider's listing of the same enrollments, staged first, is that provider's own.
    await stagePrakerjaViews(db, 102, 'prv-b', listing([[view(1, 'reported'), view(2)], [view(3), view(4)]]), 2);
    const pages = [[view(1), view(2)], [view(3), view(4)], [view(1, 'completed'), view(5)], [view(3, 'failed')], [view(6)]];
    expect(await stagePrakerjaViews(db, 102, 'prv-a', listing(pages), 2)).toBe(8);
    const rows = await views(102, 'prv-a');
    expect(rows).toEqual([
      { id: view(1).enrollmentId, state: 'completed' },
      { id: view(2).enrollmentId, state: 'redeemed' },
      { id: view(3).enrollmentId, state: 'failed' },
      { id: view(4).enrollmentId, state: 'redeemed' },
      { id: view(5).enrollmentId, state: 'redeemed' },
      { id: view(6).enrollmentId, state: 'redeemed' },
    ]);
    expect((await views(102, 'prv-b')).map((r) => r.state)).toEqual(['reported', 'redeemed', 'redeemed', 'redeemed']);
  });

  it('gives a view the uuid the comparison joins on only when its id is written as the gateway writes one', async () => {
    const id = 'e0000000-0000-4000-8000-00000000000a';
    const views = [id, id.toUpperCase(), 'not-a-uuid'].map((enrollmentId): PrakerjaReportView => ({ enrollmentId, voucherCode: 'TK1', platform: 'tokopedia', state: 'redeemed' }));
    await stagePrakerjaViews(db, 103, 'prv-a', listing([views]));
    const rows = await db.db
      .select({ id: reconStagedPrakerja.enrollmentId, uuid: reconStagedPrakerja.enrollmentUuid })
      .from(reconStagedPrakerja)
      .where(eq(reconStagedPrakerja.runId, 103));
    // Sorted here: the databases' collations order upper and lower case differently.
    expect(rows.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      { id: id.toUpperCase(), uuid: null },
      { id, uuid: id },
      { id: 'not-a-uuid', uuid: null },
    ]);
  });

  it('fails when a batch is refused, though the listing went on meanwhile, and writes no later batch', async () => {
    // A state the column refuses (NOT NULL) in the first batch; the later pages are fine.
    const bad = (n: number) => ({ ...voucher(n), state: null }) as unknown as CanonicalVoucher;
    await expect(stageVouchers(db, 102, listing([[bad(11), voucher(12)], [voucher(13), voucher(14)], [voucher(15), voucher(16)]]), 2)).rejects.toThrow();
    expect(await staged(102)).toEqual([]);
  });

  it('fails when the last batch is refused', async () => {
    const bad = { ...voucher(21), state: null } as unknown as CanonicalVoucher;
    await expect(stageVouchers(db, 103, listing([[voucher(22), voucher(23)], [bad]]), 2)).rejects.toThrow(/null/);
    // PGlite keeps the batches before it, PostgreSQL's COPY none; the refused row is in neither (the run drops its staging).
    expect((await staged(103)).map((r) => r.code)).not.toContain(voucher(21).code);
    // The database is fit for the next run: every pool connection takes a staging after the refusal.
    const runs = Array.from({ length: 4 }, (_, k) => 1030 + k);
    await Promise.all(runs.map((run) => stageVouchers(db, run, listing([[voucher(24)]]))));
    for (const run of runs) expect((await staged(run)).map((r) => r.code)).toEqual([voucher(24).code]);
  });

  it('fails when the listing fails part-way, with the listing\'s error', async () => {
    async function* failing(): AsyncGenerator<CanonicalVoucher[]> {
      yield [voucher(31), voucher(32)];
      yield [voucher(33), voucher(34)];
      throw new Error('platform listing unavailable (503)');
    }
    await expect(stageVouchers(db, 104, failing(), 2)).rejects.toThrow('platform listing unavailable (503)');
    expect(await stageVouchers(db, 105, listing([[voucher(35)]]))).toBe(1);
  });

  it('stages values as listed, whatever characters they hold', async () => {
    const odd = ['tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash \\N', 'Ñoño Şükrü 王芳 😀', '\\.', ''];
    await stageVouchers(db, 106, listing([odd.map((buyerName, n) => ({ ...voucher(40 + n), buyerName, redeemedAt: n % 2 ? new Date('2026-02-03T04:05:06.789Z') : undefined }))]));
    const rows = await db.db
      .select({ buyerName: reconStagedVouchers.buyerName, redeemedAt: reconStagedVouchers.redeemedAt })
      .from(reconStagedVouchers)
      .where(eq(reconStagedVouchers.runId, 106))
      .orderBy(asc(reconStagedVouchers.code));
    expect(rows.map((r) => r.buyerName)).toEqual(odd);
    expect(rows.map((r) => r.redeemedAt?.toISOString() ?? null)).toEqual(odd.map((_, n) => (n % 2 ? '2026-02-03T04:05:06.789Z' : null)));
  });
});
