import { sql } from 'drizzle-orm';
import type { PrakerjaReportView } from '../../contract/adapter.js';
import type { Db } from '../../db/database.js';
import type { CanonicalVoucher } from '../../domain/types.js';

/**
 * Staging of the partners' listings for one run. Pages are streamed: each is buffered only until
 * a batch is full and then written with one INSERT ... SELECT FROM json_to_recordset, so memory
 * stays flat however long the listing is (the benchmark runs it over a million vouchers), and
 * a batch costs one bound parameter whatever its size (no 65,535-parameter ceiling).
 */

export type Page<T> = { items: T[]; nextCursor?: string };

/** Rows written per INSERT: big enough to amortise the round trip, small enough to stay flat. */
export const STAGE_BATCH_ROWS = 2_000;

/**
 * Yields a listing page by page, asking for the next page before the caller stores this one, so
 * the partner's latency and the database's overlap. A cursor that comes back unchanged would
 * page forever: it is an error.
 */
export async function* pages<T>(fetchPage: (cursor?: string) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  let next: Promise<Page<T>> | undefined = fetchPage();
  while (next) {
    const page: Page<T> = await next;
    if (page.nextCursor !== undefined && page.nextCursor === cursor) throw new Error(`listing returned the same cursor twice (${cursor.slice(0, 40)})`);
    cursor = page.nextCursor;
    next = cursor !== undefined ? fetchPage(cursor) : undefined;
    // If the caller stops (its insert failed), the prefetched page must not become an unhandled rejection.
    next?.catch(() => undefined);
    yield page.items;
  }
}

/** Buffers rows by key (the last version of a row seen wins, as pages may repeat one) and flushes in batches. */
async function streamInto<T>(source: AsyncIterable<T[]>, keyOf: (row: T) => string, flush: (rows: T[]) => Promise<void>, batchRows: number): Promise<number> {
  let buffer = new Map<string, T>();
  let total = 0;
  for await (const items of source) {
    for (const row of items) buffer.set(keyOf(row), row);
    if (buffer.size >= batchRows) {
      total += buffer.size;
      const rows = [...buffer.values()];
      buffer = new Map();
      await flush(rows);
    }
  }
  if (buffer.size > 0) {
    total += buffer.size;
    await flush([...buffer.values()]);
  }
  return total;
}

/** Streams one platform's listing into recon_staged_vouchers; returns how many vouchers were staged. */
export function stageVouchers(db: Db, runId: number, source: AsyncIterable<CanonicalVoucher[]>, batchRows = STAGE_BATCH_ROWS): Promise<number> {
  return streamInto(
    source,
    (v) => `${v.platform}\u0000${v.code}`,
    async (rows) => {
      const json = JSON.stringify(
        rows.map((v) => ({
          platform: v.platform,
          code: v.code,
          state: v.state,
          platform_status: v.platformStatus,
          card_number: v.cardNumber,
          buyer_name: v.buyerName,
          course_id: v.courseId,
          provider_id: v.providerId,
          purchased_at: v.purchasedAt.toISOString(),
          expires_at: v.expiresAt.toISOString(),
          redeemed_at: v.redeemedAt?.toISOString() ?? null,
        })),
      );
      // A voucher seen again in a later batch (page-numbered listings shift when vouchers change
      // mid-listing) keeps its newest version.
      await db.execute(sql`
        insert into recon_staged_vouchers (run_id, platform, code, state, platform_status, card_number, buyer_name, course_id, provider_id, purchased_at, expires_at, redeemed_at)
        select ${runId}::bigint, x.platform, x.code, x.state, x.platform_status, x.card_number, x.buyer_name, x.course_id, x.provider_id, x.purchased_at, x.expires_at, x.redeemed_at
        from json_to_recordset(${json}::json) as x(platform text, code text, state text, platform_status text, card_number text, buyer_name text, course_id text, provider_id text, purchased_at timestamptz, expires_at timestamptz, redeemed_at timestamptz)
        on conflict (run_id, platform, code) do update set
          state = excluded.state, platform_status = excluded.platform_status, card_number = excluded.card_number, buyer_name = excluded.buyer_name,
          course_id = excluded.course_id, provider_id = excluded.provider_id, purchased_at = excluded.purchased_at, expires_at = excluded.expires_at, redeemed_at = excluded.redeemed_at`);
    },
    batchRows,
  );
}

/** Streams prakerja.go.id's report listing for one provider into recon_staged_prakerja. */
export function stagePrakerjaViews(db: Db, runId: number, providerId: string, source: AsyncIterable<PrakerjaReportView[]>, batchRows = STAGE_BATCH_ROWS): Promise<number> {
  return streamInto(
    source,
    (r) => r.enrollmentId,
    async (rows) => {
      const json = JSON.stringify(rows.map((r) => ({ enrollment_id: r.enrollmentId, platform: r.platform, voucher_code: r.voucherCode, state: r.state })));
      await db.execute(sql`
        insert into recon_staged_prakerja (run_id, enrollment_id, provider_id, platform, voucher_code, state)
        select ${runId}::bigint, x.enrollment_id, ${providerId}::text, x.platform, x.voucher_code, x.state
        from json_to_recordset(${json}::json) as x(enrollment_id text, platform text, voucher_code text, state text)
        on conflict (run_id, enrollment_id) do update set platform = excluded.platform, voucher_code = excluded.voucher_code, state = excluded.state`);
    },
    batchRows,
  );
}

/** Staging is transient: the findings keep the views they are about. */
export async function dropStaging(db: Db, runId: number): Promise<void> {
  await db.execute(sql`delete from recon_staged_vouchers where run_id = ${runId}::bigint`);
  await db.execute(sql`delete from recon_staged_prakerja where run_id = ${runId}::bigint`);
}
