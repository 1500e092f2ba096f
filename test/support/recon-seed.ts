import { sql } from 'drizzle-orm';
import type { PrakerjaReportView } from '../../adapters/types.js';
import type { Db } from '../../src/db/database.js';
import { PLATFORM_IDS, PLATFORMS, platformDefinition } from '../../adapters/registry.js';
import type { CanonicalVoucher, EnrollmentState, PlatformId } from '../../src/domain/types.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

/**
 * A consistent world for reconciliation at scale: enrollment i (1..n) exists identically in the
 * gateway's database (seeded set-based with generate_series), at its platform and at
 * prakerja.go.id (the simulators' state, or generated pages in the benchmark). Every row is a
 * pure function of i, so SQL and JavaScript agree without sharing data, and a run over the
 * seeded world alone finds nothing. Tests then break chosen rows to inject discrepancies.
 *
 * i % k picks the platform (k registered platforms, in registry order), i % 2 the provider,
 * ⌊i / k⌋ % 5 the profile (how far along it is), so every platform has every profile whatever k. Codes come from each definition's sampleCode, so a
 * new platform joins the seeded world by being registered.
 */
export const SEED_PLATFORMS: readonly PlatformId[] = PLATFORM_IDS;
const K = SEED_PLATFORMS.length;
/** Platform and profile repeat together every CYCLE enrollments. */
const CYCLE = K * 5;
const seedPlatform = (i: number): PlatformId => SEED_PLATFORMS[i % K];
const seedProfile = (i: number): SeedProfile => SEED_PROFILES[Math.floor(i / K) % 5];
export const SEED_PROFILES = ['redeemed', 'in_progress', 'reported', 'failed', 'completed'] as const;
export type SeedProfile = (typeof SEED_PROFILES)[number];

export const SEED_PROVIDERS = [
  { id: 'prv-komputer-jaya', clientCode: 'LP-DEMO-001', courseId: 'CRS-EXCEL-01', courseTitle: 'Microsoft Excel untuk Admin Kantor' },
  { id: 'prv-bahasa-nusantara', clientCode: 'LP-DEMO-002', courseId: 'CRS-ENG-01', courseTitle: 'Bahasa Inggris untuk Pelayanan Hotel' },
] as const;

export interface SeedTimes {
  /** Enrollment i is redeemed at base + i seconds. */
  base: Date;
  /** When the `completed` profile finished: recent enough to need no review yet. */
  recent: Date;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

export const seedEnrollmentId = (i: number) => `e0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export function seedCode(i: number): string {
  return platformDefinition(seedPlatform(i))!.sampleCode(i);
}

/** A Postgres text[] literal of seed values for i = from..to, passed as one parameter however many there are. */
const textArray = (from: number, to: number, f: (i: number) => string) => `{${Array.from({ length: to - from + 1 }, (_, k) => f(from + k)).join(',')}}`;

/** The platform's view of each profile (platforms see no sessions and no prakerja.go.id report). */
const PLATFORM_STATE = { redeemed: 'redeemed', in_progress: 'in_progress', reported: 'reviewed', failed: 'failed', completed: 'completed' } as const satisfies Record<SeedProfile, EnrollmentState>;
/** prakerja.go.id's view: the furthest report it was sent. */
const PRAKERJA_STATE = { redeemed: 'redeemed', in_progress: 'redeemed', reported: 'reported', failed: 'failed', completed: 'completed' } as const satisfies Record<SeedProfile, PrakerjaReportView['state']>;

export function seedRow(i: number, t: SeedTimes) {
  const platform = seedPlatform(i);
  const provider = SEED_PROVIDERS[i % 2];
  const profile = seedProfile(i);
  const redeemedAt = new Date(t.base.getTime() + i * 1000);
  return {
    i,
    id: seedEnrollmentId(i),
    platform,
    code: seedCode(i),
    cardNumber: `52${pad(i, 14)}`,
    name: `Peserta ${i}`,
    provider,
    profile,
    redeemedAt,
    platformState: PLATFORM_STATE[profile],
    prakerjaState: PRAKERJA_STATE[profile],
  };
}

/** The nth i with the given platform and profile (i mod CYCLE fixes both). */
export function seedIndex(platform: PlatformId, profile: SeedProfile, nth = 0): number {
  for (let i = 1; i <= CYCLE; i++) if (seedPlatform(i) === platform && seedProfile(i) === profile) return i + CYCLE * nth;
  throw new Error('unreachable');
}

/** Vouchers bought and not redeemed (n+1 .. n+extra): at the platforms, half also known to the gateway; far from expiry. */
export const seedExtras = (n: number) => Math.max(4, Math.ceil(n / 100));

export function canonicalVoucher(i: number, n: number, t: SeedTimes): CanonicalVoucher {
  if (i > n) {
    const platform = seedPlatform(i);
    const purchasedAt = new Date(t.base.getTime() + i * 1000);
    return {
      platform,
      code: seedCode(i),
      state: 'purchased',
      platformStatus: 'seeded',
      cardNumber: `52${pad(i, 14)}`,
      buyerName: `Peserta ${i}`,
      courseId: SEED_PROVIDERS[i % 2].courseId,
      providerId: SEED_PROVIDERS[i % 2].id,
      purchasedAt,
      expiresAt: new Date(Date.now() + 30 * DAY),
    };
  }
  const r = seedRow(i, t);
  return {
    platform: r.platform,
    code: r.code,
    state: r.platformState,
    platformStatus: 'seeded',
    cardNumber: r.cardNumber,
    buyerName: r.name,
    courseId: r.provider.courseId,
    providerId: r.provider.id,
    purchasedAt: new Date(r.redeemedAt.getTime() - DAY),
    expiresAt: new Date(r.redeemedAt.getTime() + 60 * DAY),
    redeemedAt: r.redeemedAt,
  };
}

export function prakerjaView(i: number, t: SeedTimes): PrakerjaReportView {
  const r = seedRow(i, t);
  return { enrollmentId: r.id, voucherCode: r.code, platform: r.platform, state: r.prakerjaState };
}

/**
 * The gateway side, set-based: n enrollments, their delivered outbox rows, and the unredeemed
 * vouchers it learnt of by callback. Seconds on PGlite for 100k, not minutes.
 */
export async function seedGateway(db: Db, n: number, t: SeedTimes): Promise<void> {
  const base = t.base.toISOString();
  const recent = t.recent.toISOString();
  const platforms = `{${SEED_PLATFORMS.join(',')}}`;
  const needGradeAcceptance = `{${PLATFORMS.filter((d) => d.capabilities.gradeAcceptance).map((d) => d.id).join(',')}}`;
  const extras = seedExtras(n);
  await db.execute(sql`
    insert into enrollments (id, provider_id, platform, voucher_code, course_id, course_title, card_number, participant_name, participant_email, platform_buyer_name, prakerja_name,
      name_score, name_decision, name_explanation, state, platform_reference, redeemed_at, sessions_attended, outcome, score, completed_at, certificate, reviewed_at, rating, review,
      sisnaker_accepted_at, reported_at, created_at, updated_at)
    select
      ('e0000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
      case when i % 2 = 0 then 'prv-komputer-jaya' else 'prv-bahasa-nusantara' end,
      platform, code,
      case when i % 2 = 0 then 'CRS-EXCEL-01' else 'CRS-ENG-01' end,
      case when i % 2 = 0 then 'Microsoft Excel untuk Admin Kantor' else 'Bahasa Inggris untuk Pelayanan Hotel' end,
      '52' || lpad(i::text, 14, '0'), 'Peserta ' || i, 'p' || i || '@example.id', 'Peserta ' || i, 'Peserta ' || i,
      1, 'match', 'seeded: identical names',
      (array['redeemed', 'in_progress', 'reported', 'failed', 'completed'])[p + 1],
      'REF-' || i, redeemed, case when p = 0 then 0 else 1 end,
      case p when 2 then 'passed' when 3 then 'failed' when 4 then 'passed' end,
      case when p >= 2 then 80 end,
      case p when 2 then redeemed + interval '1 hour' when 3 then redeemed + interval '1 hour' when 4 then ${recent}::timestamptz end,
      case when p in (2, 4) then jsonb_build_object('number', 'CERT-' || i, 'issuedAt', redeemed + interval '1 hour', 'url', 'https://lpk.example/cert/' || i || '.pdf', 'sha256', repeat('a', 64)) end,
      case when p = 2 then redeemed + interval '2 hours' end,
      case when p = 2 then 5 end,
      case when p = 2 then 'Bagus' end,
      case when p = 2 and platform = any(${needGradeAcceptance}::text[]) then redeemed + interval '2 hours' end,
      case when p = 2 then redeemed + interval '3 hours' end,
      redeemed, redeemed
    from (
      select i, (i / ${K}) % 5 as p, ${base}::timestamptz + i * interval '1 second' as redeemed,
        (${platforms}::text[])[i % ${K} + 1] as platform, code
      -- unnest, not (codes)[i]: subscripting a text array walks it from its start, n²/2 steps in
      -- all (a million enrollments took tens of minutes to seed instead of seconds).
      from unnest(${textArray(1, n, seedCode)}::text[]) with ordinality as c(code, ord), lateral (select ord::int as i) as o
    ) x`);
  await db.execute(sql`
    insert into outbox (destination, kind, enrollment_id, provider_id, payload, idempotency_key, status, attempts, delivered_at, receipt, created_at, next_attempt_at)
    select case when k = 'platform.completion' then e.platform else 'prakerja' end, k, e.id, e.provider_id, '{}'::jsonb, e.id || ':' || k, 'delivered', 1,
      e.redeemed_at + interval '5 minutes', 'seeded', e.redeemed_at, e.redeemed_at
    from enrollments e
    cross join lateral unnest(case e.state
      when 'reported' then array['prakerja.redemption', 'platform.completion', 'prakerja.completion', 'prakerja.certificate']
      when 'failed' then array['prakerja.redemption', 'platform.completion', 'prakerja.completion']
      when 'completed' then array['prakerja.redemption', 'platform.completion', 'prakerja.completion']
      else array['prakerja.redemption'] end) as k
    where e.id::text like 'e0000000-%'`);
  await db.execute(sql`
    insert into known_vouchers (platform, code, card_number, buyer_name, course_id, provider_id, state, purchased_at, expires_at)
    select (${platforms}::text[])[i % ${K} + 1],
      (${textArray(n + 1, n + extras, seedCode)}::text[])[i - ${n}],
      '52' || lpad(i::text, 14, '0'), 'Peserta ' || i,
      case when i % 2 = 0 then 'CRS-EXCEL-01' else 'CRS-ENG-01' end,
      case when i % 2 = 0 then 'prv-komputer-jaya' else 'prv-bahasa-nusantara' end,
      'purchased', ${base}::timestamptz + i * interval '1 second', now() + interval '30 days'
    from generate_series(${n + 1}::int, ${n + extras}::int) as i
    where i % 2 = 0`);
  for (const table of ['enrollments', 'outbox', 'known_vouchers']) await db.execute(sql.raw(`analyze ${table}`));
}

/** The partners' side in the sandbox simulators' memory, for tests that page through them over (mocked) HTTP. */
export function seedPartners(sandbox: Sandbox, n: number, t: SeedTimes): void {
  for (const p of SEED_PLATFORMS) sandbox.platforms[p].vouchers.clear();
  sandbox.prakerja.reports.clear();
  for (let i = 1; i <= n + seedExtras(n); i++) {
    const v = canonicalVoucher(i, n, t);
    const provider = SEED_PROVIDERS[i % 2];
    sandbox.platforms[v.platform].addVoucher({
      code: v.code,
      cardNumber: v.cardNumber,
      buyerName: v.buyerName,
      buyerEmail: `p${i}@example.id`,
      courseId: v.courseId,
      courseTitle: provider.courseTitle,
      providerId: v.providerId,
      state: v.state,
      purchasedAt: v.purchasedAt,
      expiresAt: v.expiresAt,
      redeemedAt: v.redeemedAt,
      updatedAt: new Date((v.redeemedAt ?? v.purchasedAt).getTime() + 60_000),
    });
    if (i <= n) recordPrakerjaReports(sandbox, i, t);
  }
}

/** What the gateway would have reported to prakerja.go.id for enrollment i, as its simulator keeps it. */
export function recordPrakerjaReports(sandbox: Sandbox, i: number, t: SeedTimes, state: PrakerjaReportView['state'] = seedRow(i, t).prakerjaState): void {
  const r = seedRow(i, t);
  const common = { enrollmentId: r.id, voucherCode: r.code, cardNumber: r.cardNumber, platform: r.platform, idempotencyKey: `${r.id}:seed` };
  const received = { reference: `PRJ-${i}`, receivedAt: r.redeemedAt, clientCode: r.provider.clientCode };
  const certificate = { number: `CERT-${i}`, issuedAt: r.redeemedAt, url: `https://lpk.example/cert/${i}.pdf`, sha256: 'a'.repeat(64) };
  sandbox.prakerja.reports.delete(r.id);
  sandbox.prakerja.recordReport(r.id, 'redemption', { ...received, report: { ...common, courseId: r.provider.courseId, redeemedAt: r.redeemedAt } });
  if (state === 'redeemed') return;
  const outcome = state === 'failed' ? 'failed' : 'passed';
  sandbox.prakerja.recordReport(r.id, 'completion', {
    ...received,
    report: { ...common, participantName: r.name, courseId: r.provider.courseId, outcome, score: 80, completedAt: r.redeemedAt, ...(outcome === 'passed' ? { certificate } : {}) },
  });
  if (state !== 'reported') return;
  sandbox.prakerja.recordReport(r.id, 'certificate', { ...received, report: { ...common, certificate, reviewedAt: r.redeemedAt } });
}
