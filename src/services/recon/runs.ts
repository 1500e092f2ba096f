import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import type { AppDeps } from '../../app/context.js';
import { providers, reconRuns } from '../../db/schema.js';
import { DEFAULT_RECON_SETTINGS, type ReconSettings } from '../../domain/reconciliation.js';
import type { PlatformId } from '../../domain/types.js';
import { decodeIdCursor, idCursor } from '../../lib/cursor.js';
import { maskDigitRuns } from '../../lib/mask.js';
import { eachBounded } from '../../lib/bounded.js';
import { problems } from '../../lib/problem.js';
import { compare } from './compare.js';
import { analyzeStaging, dropStaging, pages, stagePrakerjaViews, stageVouchers } from './stage.js';

/** What a run needs from the gateway: the database, the partners' listings, and a clock. */
export type ReconDeps = Pick<AppDeps, 'database' | 'platforms' | 'prakerja' | 'prakerjaCredentials' | 'logger' | 'now'>;

export interface RunRequest {
  platform?: PlatformId;
  from: Date;
  to: Date;
  requestedBy: string;
  settings?: Partial<ReconSettings>;
  /** Listing page size asked of each partner (each clamps it to its own maximum). */
  pageSize?: number;
}

type RunRow = typeof reconRuns.$inferSelect;

/** Page size asked of the partners' listings; each clamps it to its own maximum. */
const DEFAULT_PAGE_SIZE = 1000;

/** Listings staged at once, the platforms' and then prakerja.go.id's per provider (bench/README.md, "2026-11-30: the reconciliation comparison at 1,000,000"). */
const STAGING_CONCURRENCY = 2;

export interface RunCounts {
  staged?: Record<string, number>;
  prakerja?: { staged: number; providers: string[]; unavailable: string[] };
  discrepancies?: Record<string, number>;
  total?: number;
}

/**
 * Records a run as `running` and returns it. Split from executeRun so the work can move to a
 * background worker (claiming `running` rows) without changing what a run is.
 */
export async function createRun(deps: ReconDeps, req: RunRequest): Promise<RunRow> {
  const settings: ReconSettings = { ...DEFAULT_RECON_SETTINGS, ...req.settings };
  const [row] = await deps.database.db
    .insert(reconRuns)
    .values({ platform: req.platform ?? null, windowFrom: req.from, windowTo: req.to, requestedBy: req.requestedBy, settings, asOf: deps.now(), startedAt: deps.now(), status: 'running' })
    .returning();
  return row;
}

/** Runs this process is executing: what a shutdown that cannot wait for them marks interrupted. */
const activeRuns = new Set<number>();
export const activeRunIds = (): number[] => [...activeRuns];

/** The `error` of a run whose process stopped before it finished; it is not resumed, run it again. */
export const INTERRUPTED = 'interrupted';

/**
 * Marks `running` runs as failed with error `interrupted`: those of `ids` (this process's, at a
 * shutdown that cut them), or every one started before `startedBefore` (at start-up: a run still
 * `running` then belonged to a process that is gone). Returns the ids marked.
 */
export async function markRunsInterrupted(db: Db, which: { ids: number[] } | { startedBefore: Date }, now = new Date()): Promise<number[]> {
  if ('ids' in which && which.ids.length === 0) return [];
  const rows = await db
    .update(reconRuns)
    .set({ status: 'failed', error: INTERRUPTED, finishedAt: now })
    .where(and(eq(reconRuns.status, 'running'), 'ids' in which ? inArray(reconRuns.id, which.ids) : lt(reconRuns.startedAt, which.startedBefore)))
    .returning({ id: reconRuns.id });
  return rows.map((r) => r.id);
}

/** Pulls the listings into staging, compares in SQL, records the counts; a partner failure fails the run, never half-compares it. */
export async function executeRun(deps: ReconDeps, run: RunRow, opts: { pageSize?: number } = {}): Promise<RunRow> {
  activeRuns.add(run.id);
  try {
    return await executeTracked(deps, run, opts);
  } finally {
    activeRuns.delete(run.id);
  }
}

async function executeTracked(deps: ReconDeps, run: RunRow, opts: { pageSize?: number }): Promise<RunRow> {
  const db = deps.database.db;
  const log = deps.logger.child({ reconRun: run.id });
  const window = { from: run.windowFrom, to: run.windowTo };
  // Asked of every partner; each clamps it to the page size its contract allows.
  const limit = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const counts: RunCounts = { staged: {} };
  let t = performance.now();
  const lap = () => Math.round(-t + (t = performance.now()));
  try {
    // Every platform the gateway serves (the registry's, plus any a test hands it).
    const platforms = run.platform ? [run.platform as PlatformId] : (Object.keys(deps.platforms) as PlatformId[]);
    // A few listings at once: staging is bound by the database's work on one COPY, and another
    // connection's COPY overlaps it. Bounded, so a run holds at most that many pool connections.
    await eachBounded(platforms, STAGING_CONCURRENCY, async (p) => {
      const adapter = deps.platforms[p];
      const started = performance.now();
      counts.staged![p] = await stageVouchers(deps.database, run.id, pages((cursor) => adapter.listVouchers({ ...window, cursor, limit })));
      log.info({ platform: p, staged: counts.staged![p], ms: Math.round(performance.now() - started) }, 'platform listing staged');
    });
    lap();
    counts.prakerja = await stagePrakerja(deps, run, limit);
    log.info({ staged: counts.prakerja.staged, ms: lap() }, 'prakerja.go.id listing staged');
    // Counted in the comparison's time: it is done for the comparison's plans.
    await analyzeStaging(db);

    const settings = { ...DEFAULT_RECON_SETTINGS, ...(run.settings as Partial<ReconSettings>) };
    counts.discrepancies = await db.transaction((tx) =>
      compare(tx, { runId: run.id, platform: run.platform, from: run.windowFrom, to: run.windowTo, asOf: run.asOf, settings, prakerjaProviders: counts.prakerja!.providers }),
    );
    counts.total = Object.values(counts.discrepancies).reduce((a, b) => a + b, 0);
    log.info({ discrepancies: counts.discrepancies, ms: lap() }, 'compared');
    await dropStaging(db, run.id);
    const [done] = await db.update(reconRuns).set({ status: 'succeeded', counts, finishedAt: deps.now() }).where(eq(reconRuns.id, run.id)).returning();
    log.info({ total: counts.total }, 'reconciliation run finished');
    return done;
  } catch (err) {
    const message = maskDigitRuns(err instanceof Error ? err.message : String(err));
    log.error({ err }, 'reconciliation run failed');
    await dropStaging(db, run.id).catch(() => undefined);
    const [failed] = await db.update(reconRuns).set({ status: 'failed', counts, error: message, finishedAt: deps.now() }).where(eq(reconRuns.id, run.id)).returning();
    return failed;
  }
}

/**
 * prakerja.go.id lists only what was reported under the caller's own client code, so its view is
 * pulled once per provider. A provider without credentials here is named in the run, and its
 * enrollments are not compared with prakerja.go.id rather than all reported as missing there.
 */
async function stagePrakerja(deps: ReconDeps, run: RunRow, pageSize: number): Promise<NonNullable<RunCounts['prakerja']>> {
  const all = await deps.database.db.select({ id: providers.id }).from(providers).orderBy(providers.id);
  // Staged a few at once like the platforms' listings; counted per provider and named in id order.
  const staged = new Map<string, number | undefined>();
  await eachBounded(all, STAGING_CONCURRENCY, async ({ id }) => {
    const creds = await deps.prakerjaCredentials(id);
    if (!creds) {
      staged.set(id, undefined);
      return;
    }
    const listing = pages((cursor) => deps.prakerja.listReports(creds, { from: run.windowFrom, to: run.windowTo, cursor, limit: pageSize }));
    staged.set(id, await stagePrakerjaViews(deps.database, run.id, id, onlyPlatform(listing, run.platform)));
  });
  const ids = all.map((p) => p.id);
  return {
    staged: ids.reduce((sum, id) => sum + (staged.get(id) ?? 0), 0),
    providers: ids.filter((id) => staged.get(id) !== undefined),
    unavailable: ids.filter((id) => staged.get(id) === undefined),
  };
}

async function* onlyPlatform<T extends { platform: string }>(source: AsyncIterable<T[]>, platform: string | null): AsyncGenerator<T[]> {
  for await (const items of source) yield platform ? items.filter((i) => i.platform === platform) : items;
}

/** Create and execute in one go: what POST /v1/ops/reconciliation/runs does while runs are sandbox-sized. */
export async function runReconciliation(deps: ReconDeps, req: RunRequest): Promise<RunRow> {
  return executeRun(deps, await createRun(deps, req), { pageSize: req.pageSize });
}

export function runView(r: RunRow) {
  return {
    id: r.id,
    platform: r.platform,
    from: r.windowFrom.toISOString(),
    to: r.windowTo.toISOString(),
    status: r.status,
    requestedBy: r.requestedBy,
    settings: r.settings as ReconSettings,
    counts: r.counts as RunCounts,
    asOf: r.asOf.toISOString(),
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    error: r.error,
  };
}

export async function getRun(deps: Pick<AppDeps, 'database'>, id: number) {
  const [row] = await deps.database.db.select().from(reconRuns).where(eq(reconRuns.id, id));
  if (!row) throw problems.notFound(`Reconciliation run ${id}`);
  return runView(row);
}

/** Newest first. */
export async function listRuns(deps: Pick<AppDeps, 'database'>, q: { status?: RunRow['status']; cursor?: string; limit: number }) {
  const before = decodeIdCursor(q.cursor);
  const rows = await deps.database.db
    .select()
    .from(reconRuns)
    .where(and(q.status ? eq(reconRuns.status, q.status) : undefined, before !== undefined ? lt(reconRuns.id, before) : undefined))
    .orderBy(desc(reconRuns.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { items: page.map(runView), nextCursor: rows.length > q.limit ? idCursor(page[page.length - 1].id) : null };
}
