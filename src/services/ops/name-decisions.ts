import { asc, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import { auditLog, enrollments } from '../../db/schema.js';
import { problems, ProblemError } from '../../lib/problem.js';
import { decidingPair } from '../../domain/name-check.js';
import { csvLines } from '../../lib/csv.js';
import { audit } from './audit.js';

/**
 * Operators' verdicts on held names, kept as labelled pairs so that the scorer can be
 * re-evaluated on real decisions (`npm run names:evaluate -- decisions.csv`).
 *
 * No table of its own: an acceptance and a refusal are each an audit row
 * (enrollment.accept_name / enrollment.refuse_name) carrying the three names as they were, and
 * the export reads them back, joined to the enrollment for what the audit row lacks.
 */

export const ACCEPT_ACTION = 'enrollment.accept_name';
export const REFUSE_ACTION = 'enrollment.refuse_name';

/**
 * An operator confirms that a held name is not the participant's. Nothing is released: the
 * enrollment stays held (its reports to prakerja.go.id stay back) and the refusal is audited, so
 * it counts as a "different person" label. A later acceptance still overrides it.
 */
export async function refuseName(deps: Pick<AppDeps, 'database' | 'now'>, enrollmentId: string, operator: string, reason: string) {
  return deps.database.db.transaction(async (tx) => {
    const [e] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for('update');
    if (!e) throw problems.notFound('Enrollment');
    if (e.nameDecision === 'match') {
      throw new ProblemError(409, 'name_not_held', 'The name matched; nothing to refuse', { detail: `Name check: match (score ${e.nameScore}).` });
    }
    if (e.nameAcceptedAt) {
      throw new ProblemError(409, 'name_already_accepted', 'The name was already accepted', { detail: `Accepted at ${e.nameAcceptedAt.toISOString()}.` });
    }
    const at = deps.now();
    await audit(tx, {
      operator,
      action: REFUSE_ACTION,
      target: `enrollment:${enrollmentId}`,
      reason,
      detail: { decision: e.nameDecision, score: e.nameScore, names: { provider: e.participantName, platform: e.platformBuyerName, prakerja: e.prakerjaName } },
    });
    return {
      enrollmentId,
      state: e.state,
      nameCheck: { decision: e.nameDecision, score: e.nameScore, refusedAt: at.toISOString(), refusedBy: operator },
    };
  });
}

export interface NameDecisionRow {
  /** The pair that held the name (the worst of platform↔prakerja and provider↔prakerja). */
  a: string;
  b: string;
  /** 1 when the operator accepted (same person), 0 when refused. */
  same: 0 | 1;
  /** The scorer's guess at the phenomenon: the rule that decided the pair today. */
  phenomenon: string;
  operatorDecision: 'accept' | 'refuse';
  operator: string;
  reason: string;
  at: string;
  enrollmentId: string;
  providerName: string;
  platformName: string;
  prakerjaName: string | null;
  /** The gateway's score and decision when the name was checked. */
  score: number | null;
  gatewayDecision: string | null;
}

interface NamesDetail {
  decision?: string;
  score?: number;
  names?: { provider?: string; platform?: string; prakerja?: string | null };
}

/** Every accept/refuse, oldest first. */
export async function listNameDecisions(deps: Pick<AppDeps, 'database'>): Promise<NameDecisionRow[]> {
  const db = deps.database.db;
  const rows = await db.select().from(auditLog).where(inArray(auditLog.action, [ACCEPT_ACTION, REFUSE_ACTION])).orderBy(asc(auditLog.id));
  const ids = [...new Set(rows.map((r) => r.target.replace(/^enrollment:/, '')))];
  const known = ids.length
    ? await db
        .select({ id: enrollments.id, provider: enrollments.participantName, platform: enrollments.platformBuyerName, prakerja: enrollments.prakerjaName, score: enrollments.nameScore, decision: enrollments.nameDecision })
        .from(enrollments)
        .where(inArray(enrollments.id, ids))
    : [];
  const byId = new Map(known.map((e) => [e.id, e]));
  const out: NameDecisionRow[] = [];
  for (const r of rows) {
    const enrollmentId = r.target.replace(/^enrollment:/, '');
    const detail = (r.detail ?? {}) as NamesDetail;
    const e = byId.get(enrollmentId);
    // The names as the operator saw them (audit detail), else as the enrollment holds them now.
    const provider = detail.names?.provider ?? e?.provider;
    const platform = detail.names?.platform ?? e?.platform;
    if (provider === undefined || platform === undefined) continue;
    const prakerja = detail.names?.prakerja ?? e?.prakerja ?? null;
    const pair = decidingPair({ provider, platform, prakerja: prakerja ?? undefined });
    const accepted = r.action === ACCEPT_ACTION;
    out.push({
      a: pair.a,
      b: pair.b,
      same: accepted ? 1 : 0,
      phenomenon: pair.comparison.rule,
      operatorDecision: accepted ? 'accept' : 'refuse',
      operator: r.operator,
      reason: r.reason,
      at: r.at.toISOString(),
      enrollmentId,
      providerName: provider,
      platformName: platform,
      prakerjaName: prakerja,
      score: detail.score ?? e?.score ?? null,
      gatewayDecision: detail.decision ?? e?.decision ?? null,
    });
  }
  return out;
}

/** The columns of test/names/corpus.csv first, so the export is scored as it comes. */
const CSV_COLUMNS = ['a', 'b', 'same', 'phenomenon', 'operatorDecision', 'operator', 'reason', 'at', 'enrollmentId', 'providerName', 'platformName', 'prakerjaName', 'score', 'gatewayDecision'] as const;

export function nameDecisionsCsv(rows: readonly NameDecisionRow[]): string {
  return csvLines([[...CSV_COLUMNS], ...rows.map((r) => CSV_COLUMNS.map((c) => r[c]))]);
}
