import { sql, type SQL } from 'drizzle-orm';
import type { PrakerjaReportView } from '../../contract/adapter.js';
import type { Database, Db } from '../../db/database.js';
import type { CanonicalVoucher } from '../../domain/types.js';
import { RepeatFilter } from '../../lib/repeat-filter.js';

/**
 * Staging of the partners' listings for one run. Pages are streamed: each is buffered only until
 * a batch is full and then written, so memory stays flat however long the listing is (the
 * benchmark runs it over a million vouchers). On PostgreSQL a listing is one COPY; elsewhere a
 * batch is one INSERT ... SELECT FROM json_to_recordset, one bound parameter whatever its size
 * (no 65,535-parameter ceiling).
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

/** Where a listing is staged: the database, and its bulk load where the driver has one. */
export type StagingDatabase = Pick<Database, 'db' | 'copyRows'>;

/** Groups a listing into batches of distinct keys (the last version of a row seen in a batch wins). */
async function* batches<T>(source: AsyncIterable<T[]>, keyOf: (row: T) => string, batchRows: number): AsyncGenerator<T[]> {
  let buffer = new Map<string, T>();
  for await (const items of source) {
    for (const row of items) buffer.set(keyOf(row), row);
    if (buffer.size >= batchRows) {
      const rows = [...buffer.values()];
      buffer = new Map();
      yield rows;
    }
  }
  if (buffer.size > 0) yield [...buffer.values()];
}

/**
 * COPY's text format: tab-separated, \N for null, backslash escapes for the characters that would
 * end a field or a line. Values are the listing's strings as received, so any may hold them.
 */
const field = (v: string | null | undefined): string => (v == null ? '\\N' : /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : v);
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyLines = <T>(rows: T[], columns: (row: T) => Array<string | null | undefined>): string => {
  let out = '';
  for (const row of rows) out += `${columns(row).map(field).join('\t')}\n`;
  return out;
};

/**
 * Loads a listing's batches: by one COPY for the whole listing where the driver has it (a COPY per
 * batch would pay its own exchange each time), else one INSERT ... SELECT FROM json_to_recordset
 * per batch. Either way rows are only appended, in listing order (`seq`); the caller then deletes
 * the older rows of any key the listing repeated across batches. Returns the rows written.
 */
async function load<T>(
  database: StagingDatabase,
  source: AsyncIterable<T[]>,
  keyOf: (row: T) => string,
  batchRows: number,
  target: { table: string; columns: readonly string[]; line: (row: T) => Array<string | null | undefined>; insert: (json: string) => SQL },
): Promise<number> {
  let total = 0;
  const counted = async function* () {
    for await (const rows of batches(source, keyOf, batchRows)) {
      total += rows.length;
      yield rows;
    }
  };
  if (database.copyRows) {
    await database.copyRows(target.table, target.columns, (async function* () {
      for await (const rows of counted()) yield copyLines(rows, target.line);
    })());
  } else {
    // The same values as COPY's lines, named by column for json_to_recordset (which reads the names it lists).
    const named = (row: T) => {
      const values = target.line(row);
      return Object.fromEntries(target.columns.map((c, i) => [c, values[i] ?? null]));
    };
    for await (const rows of counted()) await database.db.execute(target.insert(JSON.stringify(rows.map(named))));
  }
  return total;
}

const iso = (d: Date | undefined) => d?.toISOString() ?? null;

const VOUCHER_COLUMNS = ['run_id', 'platform', 'code', 'state', 'platform_status', 'card_number', 'buyer_name', 'course_id', 'provider_id', 'purchased_at', 'expires_at', 'redeemed_at'] as const;

/** Streams one platform's listing into recon_staged_vouchers; returns how many vouchers were staged. */
export async function stageVouchers(database: StagingDatabase, runId: number, source: AsyncIterable<CanonicalVoucher[]>, batchRows = STAGE_BATCH_ROWS): Promise<number> {
  const platforms = new Set<string>();
  const listed = async function* () {
    for await (const items of source) {
      for (const v of items) platforms.add(v.platform);
      yield items;
    }
  };
  const run = String(runId);
  const total = await load(database, listed(), (v) => `${v.platform}\u0000${v.code}`, batchRows, {
    table: 'recon_staged_vouchers',
    columns: VOUCHER_COLUMNS,
    line: (v) => [run, v.platform, v.code, v.state, v.platformStatus, v.cardNumber, v.buyerName, v.courseId, v.providerId, iso(v.purchasedAt), iso(v.expiresAt), iso(v.redeemedAt)],
    insert: (json) => sql`
      insert into recon_staged_vouchers (run_id, platform, code, state, platform_status, card_number, buyer_name, course_id, provider_id, purchased_at, expires_at, redeemed_at)
      select ${runId}::bigint, x.platform, x.code, x.state, x.platform_status, x.card_number, x.buyer_name, x.course_id, x.provider_id, x.purchased_at, x.expires_at, x.redeemed_at
      from json_to_recordset(${json}::json) as x(platform text, code text, state text, platform_status text, card_number text, buyer_name text, course_id text, provider_id text, purchased_at timestamptz, expires_at timestamptz, redeemed_at timestamptz)`,
  });
  // A voucher seen again in a later batch (page-numbered listings shift when vouchers change
  // mid-listing) keeps its newest version. Only keys written twice are touched: one hash
  // aggregate over the listing's platforms' rows, not a lookup per row. The repeated keys are
  // materialised: the staging tables' statistics describe an earlier run (analyzeStaging, or
  // autovacuum), which estimate this run's rows at one, and the planner then re-ran the
  // aggregate for every staged row (a nested loop: minutes for 12,500 vouchers). Materialised,
  // the worst plan re-reads the repeated keys only, usually none.
  if (platforms.size > 0) {
    await database.db.execute(sql`
      with d as materialized (
        select platform, code, max(seq) as newest from recon_staged_vouchers
        where run_id = ${runId}::bigint and platform in (select jsonb_array_elements_text(${JSON.stringify([...platforms])}::jsonb))
        group by platform, code having count(*) > 1)
      delete from recon_staged_vouchers s using d
      where s.run_id = ${runId}::bigint and s.platform = d.platform and s.code = d.code and s.seq < d.newest`);
  }
  return total;
}

const PRAKERJA_COLUMNS = ['run_id', 'enrollment_id', 'enrollment_uuid', 'provider_id', 'platform', 'voucher_code', 'state'] as const;

/** The id as a uuid only when it is written as PostgreSQL writes one: then the two compare equal exactly when the texts do. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const canonicalUuid = (id: string) => (CANONICAL_UUID.test(id) ? id : null);

/** Streams prakerja.go.id's report listing for one provider into recon_staged_prakerja. */
export async function stagePrakerjaViews(database: StagingDatabase, runId: number, providerId: string, source: AsyncIterable<PrakerjaReportView[]>, batchRows = STAGE_BATCH_ROWS): Promise<number> {
  const run = String(runId);
  // The views listed more than once are found as they stream past, so the dedupe below reads only
  // those: over the whole listing it was a pass over the provider's staged views (500,000 per
  // provider at 1M, seconds each), for a listing that usually repeats none. Only this listing
  // writes the provider's views, so what it saw is all there is to dedupe.
  const repeats = new RepeatFilter();
  const seen = async function* () {
    for await (const items of source) {
      for (const r of items) repeats.see(r.enrollmentId);
      yield items;
    }
  };
  const total = await load(database, seen(), (r) => r.enrollmentId, batchRows, {
    table: 'recon_staged_prakerja',
    columns: PRAKERJA_COLUMNS,
    line: (r) => [run, r.enrollmentId, canonicalUuid(r.enrollmentId), providerId, r.platform, r.voucherCode, r.state],
    insert: (json) => sql`
      insert into recon_staged_prakerja (run_id, enrollment_id, enrollment_uuid, provider_id, platform, voucher_code, state)
      select ${runId}::bigint, x.enrollment_id, x.enrollment_uuid, ${providerId}::text, x.platform, x.voucher_code, x.state
      from json_to_recordset(${json}::json) as x(enrollment_id text, enrollment_uuid uuid, platform text, voucher_code text, state text)`,
  });
  if (!repeats.overflowed && repeats.flagged.size === 0) return total;
  const repeated = repeats.overflowed
    ? sql`true`
    : sql`enrollment_id in (select jsonb_array_elements_text(${JSON.stringify([...repeats.flagged])}::jsonb))`;
  // Materialised for the reason given in stageVouchers.
  await database.db.execute(sql`
    with d as materialized (
      select enrollment_id, max(seq) as newest from recon_staged_prakerja
      where run_id = ${runId}::bigint and provider_id = ${providerId}::text and ${repeated} group by enrollment_id having count(*) > 1)
    delete from recon_staged_prakerja s using d
    where s.run_id = ${runId}::bigint and s.provider_id = ${providerId}::text and s.enrollment_id = d.enrollment_id and s.seq < d.newest`);
  return total;
}

/**
 * Gives the planner the staged listings' statistics before the comparison reads them. Freshly
 * loaded tables have none (autovacuum analyses a minute later at best), and the guess it makes
 * instead cost most at scale: over 1,000,000 enrollments it sorted the million staged
 * prakerja.go.id views on disk for a merge join that returned no row (bench/README.md,
 * "2026-11-30: the reconciliation comparison at 1,000,000"). Not inside the comparison's
 * transaction: ANALYZE's lock conflicts with itself and would serialise two runs' comparisons.
 */
export async function analyzeStaging(db: Db): Promise<void> {
  await db.execute(sql`analyze recon_staged_vouchers, recon_staged_prakerja`);
}

/** Staging is transient: the findings keep the views they are about. */
export async function dropStaging(db: Db, runId: number): Promise<void> {
  await db.execute(sql`delete from recon_staged_vouchers where run_id = ${runId}::bigint`);
  await db.execute(sql`delete from recon_staged_prakerja where run_id = ${runId}::bigint`);
}
