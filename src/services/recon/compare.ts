import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/database.js';
import { resultRows } from '../../db/result-rows.js';
import {
  NOT_REPORTED_AFTER_HOURS,
  platformAgreementTable,
  prakerjaAgreementTable,
  REDEEMED_AT_PLATFORM,
  type DiscrepancyKind,
  type ReconSettings,
} from '../../domain/reconciliation.js';

/**
 * The comparison: INSERT ... SELECT statements joining the staged listings with the gateway's own
 * tables, one for the three kinds that need every enrollment beside its listed voucher, one per
 * other kind. Nothing is loaded into JavaScript; the database does the joins with
 * its own memory management, so a run over a million enrollments costs what the joins cost.
 */
export interface CompareScope {
  runId: number;
  /** null: every platform. */
  platform: string | null;
  from: Date;
  to: Date;
  /** The run's "now". */
  asOf: Date;
  settings: ReconSettings;
  /** Providers whose prakerja.go.id view was fetched; the others' enrollments are not compared with it. */
  prakerjaProviders: string[];
}

const lit = (v: string | number | boolean) => (typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));

/** The pure agreement rules (domain/reconciliation.ts) as VALUES lists the SQL joins against. */
function valuesOf(rows: Array<Array<string | number | boolean>>, columns: string): SQL {
  return sql.raw(`(values ${rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ')}) as t(${columns})`);
}
const PLATFORM_AGREES = valuesOf(platformAgreementTable(), 'state, outcome, reviewed, completion');
const PRAKERJA_AGREES = valuesOf(prakerjaAgreementTable(), 'view, outcome, redemption, completion, certificate');
const REDEEMED_STATES = sql.raw(`(${REDEEMED_AT_PLATFORM.map(lit).join(', ')})`);

const PROGRESS_WORD = sql.raw(`(array['none', 'in_flight', 'delivered'])`);

/** What the rules share: the run's platform filter, its window, the providers compared with prakerja.go.id, the insert. */
function parts(s: CompareScope) {
  return {
    onPlatform: (col: SQL) => sql`(${s.platform}::text is null or ${col} = ${s.platform})`,
    inWindow: sql`(e.redeemed_at >= ${s.from.toISOString()}::timestamptz and e.redeemed_at < ${s.to.toISOString()}::timestamptz)`,
    fetched: sql`(select jsonb_array_elements_text(${JSON.stringify(s.prakerjaProviders)}::jsonb))`,
    insert: sql`insert into discrepancies (run_id, kind, platform, subject, voucher_code, enrollment_id, outbox_id, card_number, details)`,
  };
}

/**
 * The three rules that set the gateway's enrollments beside the platforms' listings, fed by one
 * pass: enrollments full-joined with the staged vouchers (a voucher without an enrollment is
 * missing at the gateway, an enrollment in the window without its voucher is missing at the
 * platform, a pair is checked for agreement), then prakerja.go.id's view and the delivery progress
 * of the enrollments that have one. Only rows that are a finding are kept (`j`), and each rule
 * reads those. Three statements each joined the million enrollments with the million staged
 * vouchers, two of them with the staged views as well (bench/README.md, "2026-11-30: the
 * reconciliation comparison in one pass").
 *
 * The full join's enrollment side is the run's platform plus any platform its listing named, so
 * a voucher is missing at the gateway only when no enrollment of any platform has its code, as
 * when the anti join read every enrollment.
 */
function joined(s: CompareScope): SQL {
  const { onPlatform, inWindow, fetched, insert } = parts(s);
  const run = sql`${s.runId}::bigint`;
  // A finding's row read again by its key: the findings are few, and the planner, which cannot
  // tell from \`j\`, would otherwise hash the million enrollments to look them up.
  const enrollmentOf = (j: SQL) => sql`(select * from enrollments where id = ${j}.id limit 1)`;
  const listedOf = (j: SQL) => sql`(select * from recon_staged_vouchers where run_id = ${run} and platform = ${j}.listed_platform and code = ${j}.listed_code and seq = ${j}.listed_seq limit 1)`;
  return sql`
      with d as (
        select o.enrollment_id,
          coalesce(max(case when o.kind = 'platform.completion' then case when o.status = 'delivered' then 2 else 1 end end), 0) as platform_completion,
          coalesce(max(case when o.kind = 'prakerja.redemption' then case when o.status = 'delivered' then 2 else 1 end end), 0) as redemption,
          coalesce(max(case when o.kind = 'prakerja.completion' then case when o.status = 'delivered' then 2 else 1 end end), 0) as completion,
          coalesce(max(case when o.kind = 'prakerja.certificate' then case when o.status = 'delivered' then 2 else 1 end end), 0) as certificate
        from outbox o
        where o.enrollment_id is not null and o.kind in ('platform.completion', 'prakerja.redemption', 'prakerja.completion', 'prakerja.certificate')
        group by o.enrollment_id
      ),
      c as (
        select e.id, coalesce(e.outcome, 'none') as outcome, e.reviewed_at is not null as reviewed, e.provider_id in ${fetched} as provider_fetched,
          e.id is not null and ${onPlatform(sql`e.platform`)} as enrolled, ${inWindow} as in_window,
          s.seq as listed_seq, s.platform as listed_platform, s.code as listed_code, s.state as platform_state, s.redeemed_at is not null as listed_redeemed,
          ${inWindow} and e.provider_id in ${fetched} as prakerja_compared,
          coalesce(k.state, 'none') as prakerja_state,
          coalesce(d.platform_completion, 0) as pc, coalesce(d.redemption, 0) as kr, coalesce(d.completion, 0) as kc, coalesce(d.certificate, 0) as kx
        from (select * from enrollments where ${onPlatform(sql`platform`)} or platform in (select platform from recon_staged_vouchers where run_id = ${run})) e
        full join (select * from recon_staged_vouchers where run_id = ${run}) s on s.platform = e.platform and s.code = e.voucher_code
        left join recon_staged_prakerja k on k.run_id = ${run} and k.enrollment_uuid = e.id
        left join d on d.enrollment_id = e.id
      ),
      v as (
        select c.*,
          c.platform_state is null or exists (select 1 from ${PLATFORM_AGREES} where t.state = c.platform_state and t.outcome = c.outcome and t.reviewed = c.reviewed and t.completion = c.pc) as platform_ok,
          not c.prakerja_compared or exists (select 1 from ${PRAKERJA_AGREES} where t.view = c.prakerja_state and t.outcome = c.outcome and t.redemption = c.kr and t.completion = c.kc and t.certificate = c.kx) as prakerja_ok
        from c
      ),
      j as materialized (
        select v.*,
          v.enrolled and (v.listed_code is not null or v.in_window) and not (v.platform_ok and v.prakerja_ok) as status_differs,
          v.enrolled and v.in_window and v.listed_code is null as missing_at_platform,
          v.id is null and (v.platform_state in ${REDEEMED_STATES} or v.listed_redeemed) as missing_at_gateway
        from v
        where (v.enrolled and (v.listed_code is not null or v.in_window) and not (v.platform_ok and v.prakerja_ok))
          or (v.enrolled and v.in_window and v.listed_code is null)
          or (v.id is null and (v.platform_state in ${REDEEMED_STATES} or v.listed_redeemed))
      )
      ${insert}
      select ${run}, 'status_differs', e.platform, e.voucher_code, e.voucher_code, e.id, null::bigint, e.card_number,
        jsonb_build_object(
          'gateway', jsonb_build_object('state', e.state, 'outcome', nullif(j.outcome, 'none'), 'reviewed', j.reviewed),
          'platform', case when j.platform_state is null then null else jsonb_build_object('state', j.platform_state, 'status', s.platform_status) end,
          'prakerja', case when j.prakerja_compared then jsonb_build_object('state', j.prakerja_state) else null end,
          'disagreeing', to_jsonb(array_remove(array[case when not j.platform_ok then 'platform' end, case when not j.prakerja_ok then 'prakerja' end], null)),
          'deliveries', jsonb_build_object(
            'platform.completion', ${PROGRESS_WORD}[j.pc + 1], 'prakerja.redemption', ${PROGRESS_WORD}[j.kr + 1],
            'prakerja.completion', ${PROGRESS_WORD}[j.kc + 1], 'prakerja.certificate', ${PROGRESS_WORD}[j.kx + 1]))
      from j
      cross join lateral ${enrollmentOf(sql`j`)} e
      left join lateral ${listedOf(sql`j`)} s on true
      where j.status_differs
      union all
      select ${run}, 'missing_at_platform', e.platform, e.voucher_code, e.voucher_code, e.id, null::bigint, e.card_number,
        jsonb_build_object(
          'gateway', jsonb_build_object('state', e.state, 'redeemedAt', e.redeemed_at, 'platformReference', e.platform_reference),
          'platform', null,
          'prakerja', case when j.provider_fetched then jsonb_build_object('state', j.prakerja_state) else null end)
      from j
      cross join lateral ${enrollmentOf(sql`j`)} e
      where j.missing_at_platform
      union all
      select ${run}, 'missing_at_gateway', s.platform, s.code, s.code, null::uuid, null::bigint, s.card_number,
        jsonb_build_object(
          'platform', jsonb_build_object('state', s.state, 'status', s.platform_status, 'redeemedAt', s.redeemed_at, 'buyerName', s.buyer_name, 'courseId', s.course_id, 'providerId', s.provider_id),
          'gateway', case when vc.id is null then null else jsonb_build_object('claim', vc.status, 'claimedAt', vc.created_at, 'providerId', vc.provider_id) end)
      from j
      cross join lateral ${listedOf(sql`j`)} s
      left join voucher_claims vc on vc.platform = s.platform and vc.voucher_code = s.code
      where j.missing_at_gateway and (vc.id is null or vc.status = 'redeemed')`;
}

/** The kinds joined() finds. */
const JOINED_KINDS = ['status_differs', 'missing_at_platform', 'missing_at_gateway'] as const;

/** The other rules, one INSERT ... SELECT (or two) each. */
function rules(s: CompareScope): Record<Exclude<DiscrepancyKind, (typeof JOINED_KINDS)[number]>, SQL[]> {
  const { onPlatform, insert } = parts(s);
  const asOf = sql`${s.asOf.toISOString()}::timestamptz`;
  const noEnrollment = (platform: SQL, code: SQL) => sql`not exists (select 1 from enrollments e2 where e2.platform = ${platform} and e2.voucher_code = ${code})`;

  return {
    redemption_unfinished: [
      // Claims still held past their lease, or accepted by the platform without their enrollment.
      sql`${insert}
      select ${s.runId}::bigint, 'redemption_unfinished', vc.platform, vc.voucher_code, vc.voucher_code, null, null, vc.plan -> 'enrollment' ->> 'cardNumber',
        jsonb_build_object('claim', vc.status, 'claimId', vc.id, 'providerId', vc.provider_id, 'claimedAt', vc.created_at, 'leaseUntil', vc.lease_until,
          'platformReference', vc.platform_reference, 'redeemedAt', vc.redeemed_at,
          'next', case when vc.status = 'accepted' then 'the sweeper or the provider''s next attempt writes the enrollment from the claim'
                       else 'the provider''s next attempt asks the platform again under the same idempotency key and finishes it' end)
      from voucher_claims vc
      where ${onPlatform(sql`vc.platform`)} and (vc.status = 'accepted' or (vc.status = 'claimed' and vc.lease_until < ${asOf}))
        and ${noEnrollment(sql`vc.platform`, sql`vc.voucher_code`)}`,
    ],

    name_mismatch_pending: [
      sql`${insert}
      select ${s.runId}::bigint, 'name_mismatch_pending', e.platform, e.voucher_code, e.voucher_code, e.id, null, e.card_number,
        jsonb_build_object(
          'decision', e.name_decision, 'score', e.name_score, 'explanation', e.name_explanation,
          'names', jsonb_build_object('provider', e.participant_name, 'platform', e.platform_buyer_name, 'prakerja', e.prakerja_name),
          'heldSince', e.created_at, 'state', e.state)
      from enrollments e
      where ${onPlatform(sql`e.platform`)} and e.name_decision <> 'match' and e.name_accepted_at is null`,
    ],

    completed_not_reported_7d: [
      sql`${insert}
      select ${s.runId}::bigint, 'completed_not_reported_7d', e.platform, e.voucher_code, e.voucher_code, e.id, null, e.card_number,
        jsonb_build_object(
          'state', e.state, 'completedAt', e.completed_at,
          'hoursSinceCompletion', floor(extract(epoch from (${asOf} - e.completed_at)) / 3600),
          'reviewedAt', e.reviewed_at, 'certificate', e.certificate is not null,
          'sisnakerAcceptedAt', e.sisnaker_accepted_at, 'sisnakerRejection', e.sisnaker_rejection,
          'nameHeld', e.name_decision <> 'match' and e.name_accepted_at is null,
          'certificateDelivery', (select jsonb_build_object('id', o.id, 'status', o.status, 'attempts', o.attempts, 'lastError', o.last_error) from outbox o where o.enrollment_id = e.id and o.kind = 'prakerja.certificate' limit 1))
      from enrollments e
      where ${onPlatform(sql`e.platform`)} and e.outcome = 'passed' and e.reported_at is null
        and e.completed_at < ${asOf} - ${NOT_REPORTED_AFTER_HOURS} * interval '1 hour'`,
    ],

    completed_no_review: [
      sql`${insert}
      select ${s.runId}::bigint, 'completed_no_review', e.platform, e.voucher_code, e.voucher_code, e.id, null, e.card_number,
        jsonb_build_object('state', e.state, 'completedAt', e.completed_at, 'hoursSinceCompletion', floor(extract(epoch from (${asOf} - e.completed_at)) / 3600), 'thresholdHours', ${s.settings.noReviewAfterHours}::int)
      from enrollments e
      where ${onPlatform(sql`e.platform`)} and e.outcome = 'passed' and e.reviewed_at is null
        and e.completed_at < ${asOf} - ${s.settings.noReviewAfterHours}::int * interval '1 hour'`,
    ],

    dead_letter: [
      sql`${insert}
      select ${s.runId}::bigint, 'dead_letter', coalesce(e.platform, o.destination), 'outbox:' || o.id, e.voucher_code, o.enrollment_id, o.id, e.card_number,
        jsonb_build_object('destination', o.destination, 'kind', o.kind, 'attempts', o.attempts, 'lastError', o.last_error, 'lastAttemptAt', o.errors -> -1 ->> 'at', 'createdAt', o.created_at)
      from outbox o
      left join enrollments e on e.id = o.enrollment_id
      where o.status = 'dead' and (${s.platform}::text is null or o.destination = ${s.platform} or e.platform = ${s.platform})`,
    ],

    voucher_expiring_unredeemed: [
      // The platforms' listings first: they are the freshest word on a voucher.
      sql`${insert}
      select ${s.runId}::bigint, 'voucher_expiring_unredeemed', s.platform, s.code, s.code, null, null, s.card_number,
        jsonb_build_object('source', 'platform', 'state', s.state, 'status', s.platform_status, 'purchasedAt', s.purchased_at, 'expiresAt', s.expires_at,
          'hoursLeft', floor(extract(epoch from (s.expires_at - ${asOf})) / 3600), 'courseId', s.course_id, 'providerId', s.provider_id, 'withinDays', ${s.settings.expiringWithinDays}::int)
      from recon_staged_vouchers s
      where s.run_id = ${s.runId}::bigint and s.state = 'purchased'
        and s.expires_at > ${asOf} and s.expires_at <= ${asOf} + ${s.settings.expiringWithinDays}::int * interval '1 day'
        and ${noEnrollment(sql`s.platform`, sql`s.code`)}
        and not exists (select 1 from voucher_claims vc where vc.platform = s.platform and vc.voucher_code = s.code)
      on conflict do nothing`,
      // Then vouchers the gateway learnt of by callback, unless this run's listing says otherwise.
      sql`${insert}
      select ${s.runId}::bigint, 'voucher_expiring_unredeemed', kv.platform, kv.code, kv.code, null, null, kv.card_number,
        jsonb_build_object('source', 'gateway', 'state', kv.state, 'purchasedAt', kv.purchased_at, 'expiresAt', kv.expires_at,
          'hoursLeft', floor(extract(epoch from (kv.expires_at - ${asOf})) / 3600), 'courseId', kv.course_id, 'providerId', kv.provider_id, 'withinDays', ${s.settings.expiringWithinDays}::int)
      from known_vouchers kv
      where ${onPlatform(sql`kv.platform`)} and kv.state = 'purchased'
        and kv.expires_at > ${asOf} and kv.expires_at <= ${asOf} + ${s.settings.expiringWithinDays}::int * interval '1 day'
        and not exists (select 1 from recon_staged_vouchers s where s.run_id = ${s.runId}::bigint and s.platform = kv.platform and s.code = kv.code and s.state <> 'purchased')
        and ${noEnrollment(sql`kv.platform`, sql`kv.code`)}
        and not exists (select 1 from voucher_claims vc where vc.platform = kv.platform and vc.voucher_code = kv.code)
      on conflict do nothing`,
    ],
  };
}

/**
 * An operator who resolved a finding should not meet it again at the next run while nothing about
 * it changed: a finding identical to one resolved earlier (same kind, platform, subject and
 * details) comes in resolved, naming the earlier decision. Anything that changed is raised anew.
 */
const CARRY_OVER_RESOLUTIONS = (runId: number) => sql`
  update discrepancies d
  set status = 'resolved',
      resolution = 'unchanged since resolved in run ' || p.run_id || ': ' || p.resolution,
      resolved_by = p.resolved_by,
      resolved_at = now()
  from (
    select distinct on (kind, platform, subject, details) kind, platform, subject, details, run_id, resolution, resolved_by
    from discrepancies
    where run_id < ${runId}::bigint and status = 'resolved'
    order by kind, platform, subject, details, run_id desc
  ) p
  where d.run_id = ${runId}::bigint and d.status = 'open'
    and p.kind = d.kind and p.platform = d.platform and p.subject = d.subject and p.details = d.details`;

/** Runs every rule inside the caller's transaction; returns the findings per kind. */
export async function compare(tx: Tx, scope: CompareScope): Promise<Record<string, number>> {
  // The joined rules are one large statement: PostgreSQL's JIT compiled ~150 functions for it,
  // ~2 s of the backend's CPU at 100,000 enrollments (three times the statement's own work) and
  // no gain at 1,000,000 (bench/README.md, "2026-11-30: the reconciliation comparison in one pass").
  await tx.execute(sql`set local jit = off`);
  for (const statement of [joined(scope), ...Object.values(rules(scope)).flat()]) await tx.execute(statement);
  await tx.execute(CARRY_OVER_RESOLUTIONS(scope.runId));
  const rows = await tx.execute(sql`select kind, count(*)::int as n from discrepancies where run_id = ${scope.runId}::bigint group by kind order by kind`);
  return Object.fromEntries(resultRows<{ kind: string; n: number }>(rows).map((r) => [r.kind, Number(r.n)]));
}
