/**
 * Batch completions: one `POST /v1/completions/batch` of 10,000 items against the gateway on
 * real Postgres (the enrollments are written straight into the scratch database first), timed
 * from the client, with the gateway's peak RSS during that call.
 */
import { join } from 'node:path';
import postgres from 'postgres';
import { round } from './lib/load.js';
import { createScratchDatabase, postgresAvailable } from './lib/pg.js';
import { MB, type Child } from './lib/proc.js';
import { COURSE, PRIMARY, PROVIDER, providerToken, scratchDir, startGateway } from './lib/world.js';
import type { BenchOptions, BenchRow } from './types.js';

const GROUP = 'batch';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  if (!(await postgresAvailable())) {
    process.stderr.write('batch: no Postgres at TEST_DATABASE_URL / 127.0.0.1:5432; skipped\n');
    return [];
  }
  const items = opts.smoke ? 300 : 10_000;
  const warmup = opts.smoke ? 20 : 200;
  const scratch = scratchDir('batch');
  const db = await createScratchDatabase('batch');
  let gateway: Child | undefined;
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  try {
    // The simulators mounted in the gateway process: the batch call never reaches them.
    const gw = await startGateway({ name: 'gateway-batch', dataDir: join(scratch.dir, 'pglite'), databaseUrl: db.url });
    gateway = gw.child;
    const token = await providerToken();
    const ids = await seedEnrollments(sql, warmup + items);

    const call = async (batch: string[], label: string) => {
      const body = JSON.stringify({ items: batch.map(completion) });
      const t0 = performance.now();
      const res = await fetch(`${gw.url}/v1/completions/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body,
      });
      const answer = (await res.json()) as { summary?: { applied: number; problems: number } };
      const ms = performance.now() - t0;
      if (res.status !== 200 || answer.summary?.applied !== batch.length) {
        throw new Error(`${label}: HTTP ${res.status}, ${JSON.stringify(answer).slice(0, 500)}`);
      }
      return { ms, bytes: body.length };
    };

    await call(ids.slice(0, warmup), 'warm-up batch');
    const before = gateway.rss();
    const reset = gateway.resetPeakRss();
    const { ms, bytes } = await call(ids.slice(warmup), `batch of ${items}`);
    const peak = gateway.peakRss();
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from enrollments where outcome is not null`;

    return [
      { group: GROUP, name: `${items.toLocaleString('en-US')} completions in one call · time`, value: round(ms, 0), unit: 'ms', notes: `request body ${MB(bytes)} MB; ${n - warmup} enrollments updated; Postgres` },
      { group: GROUP, name: `${items.toLocaleString('en-US')} completions in one call · rate`, value: round(items / (ms / 1000), 0), unit: 'items/s' },
      {
        group: GROUP,
        name: `${items.toLocaleString('en-US')} completions in one call · gateway peak RSS`,
        value: MB(peak),
        unit: 'MB',
        baseline: { name: 'RSS just before the call', value: MB(before) },
        ratio: round(MB(peak) / MB(before), 2),
        notes: reset ? 'VmHWM reset before the call' : 'VmHWM since start-up (could not reset it)',
      },
    ];
  } finally {
    await gateway?.stop();
    await sql.end({ timeout: 2 });
    await db.drop();
    scratch.remove();
  }
}

/** Enrollments redeemed yesterday for the demo provider, written straight into the database. */
async function seedEnrollments(sql: postgres.Sql, n: number): Promise<string[]> {
  const rows = await sql<Array<{ id: string }>>`
    insert into enrollments (id, provider_id, platform, voucher_code, course_id, course_title, card_number, participant_name, participant_email,
      platform_buyer_name, prakerja_name, name_score, name_decision, name_explanation, state, platform_reference, redeemed_at)
    select gen_random_uuid(), ${PROVIDER.id}, ${PRIMARY.id}, 'TC' || lpad(i::text, 10, '0'), ${COURSE.id}, ${COURSE.title}, '55' || lpad(i::text, 14, '0'),
      'Siti Rahmawati', 'p' || i || '@example.id', 'Siti Rahmawati', 'Siti Rahmawati', 1, 'match', 'same name', 'redeemed', 'RDM-' || i, now() - interval '1 day'
    from generate_series(1, ${n}::int) as i
    returning id`;
  return rows.map((r) => r.id);
}

/** Mostly passes with a certificate, some fails: what a provider's end-of-course export looks like. */
function completion(enrollmentId: string, i: number) {
  const completedAt = new Date(Date.now() - 3_600_000).toISOString();
  return i % 5 === 4
    ? { enrollmentId, outcome: 'failed', score: 40 + (i % 20), completedAt }
    : {
        enrollmentId,
        outcome: 'passed',
        score: 70 + (i % 30),
        completedAt,
        certificate: { number: `CERT-${String(i).padStart(8, '0')}`, issuedAt: completedAt, url: `https://lpk.example.id/cert/${enrollmentId}.pdf`, sha256: 'a'.repeat(64) },
      };
}
