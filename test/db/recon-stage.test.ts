/**
 * Staging writes one batch while the next is gathered. These tests hold it to what the one-at-a-
 * time version guaranteed: a voucher repeated in a later batch keeps its newest version, every
 * voucher is counted once, and a batch the database refuses fails the staging even when the
 * listing has moved on by the time the refusal comes back.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconStagedVouchers } from '../../src/db/schema.js';
import type { CanonicalVoucher } from '../../src/domain/types.js';
import { stageVouchers } from '../../src/services/recon/stage.js';
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

async function* listing(pages: CanonicalVoucher[][]): AsyncGenerator<CanonicalVoucher[]> {
  for (const p of pages) yield p;
}

const staged = (runId: number) =>
  db.db.select({ code: reconStagedVouchers.code, state: reconStagedVouchers.state }).from(reconStagedVouchers).where(eq(reconStagedVouchers.runId, runId)).orderBy(asc(reconStagedVouchers.code));

describe('staging a listing in batches, one write in flight', () => {
  it('keeps the newest version of a voucher repeated in a later batch, and counts each voucher once', async () => {
    // Batches of 2: the third page repeats voucher 1 with a later state, two batches after its first.
    const pages = [[voucher(1), voucher(2)], [voucher(3), voucher(4)], [voucher(1, 'redeemed'), voucher(5)], [voucher(6)]];
    const total = await stageVouchers(db.db, 101, listing(pages), 2);
    expect(total).toBe(7);
    const rows = await staged(101);
    expect(rows.map((r) => r.code)).toEqual([1, 2, 3, 4, 5, 6].map((n) => voucher(n).code));
    expect(rows.find((r) => r.code === voucher(1).code)?.state).toBe('redeemed');
  });

  it('fails when a batch is refused, though the listing went on meanwhile, and writes no later batch', async () => {
    // A state the column refuses (NOT NULL) in the first batch; the later pages are fine.
    const bad = (n: number) => ({ ...voucher(n), state: null }) as unknown as CanonicalVoucher;
    await expect(stageVouchers(db.db, 102, listing([[bad(11), voucher(12)], [voucher(13), voucher(14)], [voucher(15), voucher(16)]]), 2)).rejects.toThrow();
    expect(await staged(102)).toEqual([]);
  });

  it('fails when the last batch is refused', async () => {
    const bad = { ...voucher(21), state: null } as unknown as CanonicalVoucher;
    await expect(stageVouchers(db.db, 103, listing([[voucher(22), voucher(23)], [bad]]), 2)).rejects.toThrow();
    expect((await staged(103)).map((r) => r.code)).toEqual([voucher(22).code, voucher(23).code]);
  });
});
