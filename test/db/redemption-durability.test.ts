import { and, count, eq, sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrollments, outbox, voucherClaims } from '../../src/db/schema.js';
import { finishAcceptedRedemptions } from '../../src/services/redemption.js';
import { runReconciliation } from '../../src/services/recon/runs.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

/**
 * Once the platform has consumed a voucher, the voucher ends in exactly one enrollment, whatever
 * statement of ours fails next. Failures are real database errors raised by triggers (the same
 * on PGlite and PostgreSQL), at each statement the redemption runs after the platform call.
 */
const w = useWorld();
const OTHER_PROVIDER = DEMO_PROVIDERS[1].id;

/** A fault fires `shots` times on (table, operation), then never again; COMMIT fires at commit time. */
async function installFaults() {
  const db = w.deps.database.db;
  await db.execute(sql.raw(`create table test_faults (tbl text not null, op text not null, shots int not null)`));
  await db.execute(sql.raw(`create sequence test_fault_fired`));
  await db.execute(
    sql.raw(`create function test_fault() returns trigger language plpgsql as $$
    declare s int;
    begin
      select shots into s from test_faults where tbl = tg_table_name and op = tg_op;
      if found and nextval('test_fault_fired') <= s then
        raise exception 'injected fault: % on %', tg_op, tg_table_name;
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`),
  );
  await db.execute(
    sql.raw(`create function test_fault_commit() returns trigger language plpgsql as $$
    declare s int;
    begin
      select shots into s from test_faults where tbl = 'COMMIT';
      if found and nextval('test_fault_fired') <= s then
        raise exception 'injected fault at commit';
      end if;
      return new;
    end $$`),
  );
  for (const t of ['voucher_claims', 'enrollments', 'enrollment_events', 'outbox', 'idempotency_keys']) {
    await db.execute(sql.raw(`create trigger test_fault_${t} before insert or update or delete on ${t} for each row execute function test_fault()`));
  }
  await db.execute(
    sql.raw(`create constraint trigger test_fault_commit after insert on enrollments deferrable initially deferred for each row execute function test_fault_commit()`),
  );
}

async function arm(tbl: string, op: string, shots: number) {
  const db = w.deps.database.db;
  await db.execute(sql`delete from test_faults`);
  await db.execute(sql`select setval('test_fault_fired', 1, false)`);
  await db.execute(sql`insert into test_faults (tbl, op, shots) values (${tbl}, ${op}, ${shots})`);
}

async function disarm() {
  await w.deps.database.db.execute(sql`delete from test_faults`);
}

/** What a second attempt sees after the lease of the first ran out (the clock moved on). */
async function leaseRunsOut(code: string) {
  await w.deps.database.db.execute(sql`update voucher_claims set lease_until = now() - interval '1 minute' where voucher_code = ${code}`);
}

async function voucherState(code: string) {
  const db = w.deps.database.db;
  const es = await db.select().from(enrollments).where(eq(enrollments.voucherCode, code));
  const [claim] = await db.select().from(voucherClaims).where(eq(voucherClaims.voucherCode, code));
  const [reports] = es.length ? await db.select({ n: count() }).from(outbox).where(and(eq(outbox.enrollmentId, es[0].id), eq(outbox.kind, 'prakerja.redemption'))) : [{ n: 0 }];
  const applied = w.sandbox.platforms.tokopedia.received.filter((r) => r.path.endsWith(`/vouchers/${code}/redeem`) && r.applied).length;
  return { enrollments: es.length, claim: claim?.status, reports: reports.n, appliedRedeems: applied, platformState: w.sandbox.platforms.tokopedia.vouchers.get(code)!.state };
}

/** Every enrollment id an answer names exists. */
async function namesOnlyRealEnrollments(body: { id?: string; enrollmentId?: string }) {
  const id = body.enrollmentId ?? body.id;
  if (!id) return;
  const res = await w.get(`/v1/enrollments/${id}`);
  expect(res.status).toBe(200);
}

const FAULTS: Array<[string, string, string]> = [
  ['settling the claim', 'voucher_claims', 'UPDATE'],
  ['inserting the enrollment', 'enrollments', 'INSERT'],
  ['inserting its events', 'enrollment_events', 'INSERT'],
  ['inserting the report to prakerja.go.id', 'outbox', 'INSERT'],
  ['committing', 'COMMIT', 'COMMIT'],
  ['storing the idempotent answer', 'idempotency_keys', 'UPDATE'],
];

let n = 0;
function freshVoucher(): { code: string; body: { voucherCode: string; cardNumber: string; participant: { name: string; email: string } } } {
  const code = `TKPDUR${String(++n).padStart(6, '0')}`;
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code, buyerName: 'Siti Rahmawati' }));
  return { code, body: { voucherCode: code, cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } } };
}

describe('a consumed voucher always ends in one enrollment', () => {
  beforeAll(installFaults);

  describe.each([
    ['once', 1],
    ['until repaired', 1_000_000],
  ])('the database fails %s', (_, shots) => {
    it.each(FAULTS)('after the platform redeemed, while %s: the next attempt (new key) finishes it', async (_what, tbl, op) => {
      const { code, body } = freshVoucher();
      await arm(tbl, op, shots);
      const first = await w.post('/v1/redemptions', body, { key: `dur-${code}-1` });
      await disarm();
      expect(first.status).toBeGreaterThanOrEqual(500);
      expect(first.headers.get('content-type')).toBe('application/problem+json');
      expect(w.sandbox.platforms.tokopedia.vouchers.get(code)!.state).toBe('redeemed');
      await namesOnlyRealEnrollments(await first.json());

      await leaseRunsOut(code);
      const again = await w.post('/v1/redemptions', body, { key: `dur-${code}-2` });
      const answer = await again.json();
      // The retry either writes the enrollment (201) or, when the first attempt wrote it and only
      // its stored answer failed, names it (409); either way the enrollment exists.
      expect([201, 409]).toContain(again.status);
      if (again.status === 409) expect(answer.code).toBe('voucher_already_redeemed');
      await namesOnlyRealEnrollments(answer);

      expect(await voucherState(code)).toEqual({ enrollments: 1, claim: 'redeemed', reports: 1, appliedRedeems: 1, platformState: 'redeemed' });
    });
  });

  it('the first request’s own retry (same key) finishes it too', async () => {
    const { code, body } = freshVoucher();
    await arm('enrollments', 'INSERT', 1);
    const first = await w.post('/v1/redemptions', body, { key: `dur-${code}` });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toMatchObject({ code: 'redemption_not_recorded' });
    const again = await w.post('/v1/redemptions', body, { key: `dur-${code}` });
    expect(again.status).toBe(201);
    expect(await voucherState(code)).toMatchObject({ enrollments: 1, claim: 'redeemed', appliedRedeems: 1 });
  });

  it('the answer is stored by the statement that writes the enrollment: if storing it fails, nothing was written and the same key finishes it', async () => {
    const { code, body } = freshVoucher();
    await arm('idempotency_keys', 'UPDATE', 1);
    const first = await w.post('/v1/redemptions', body, { key: `dur-${code}-answer` });
    expect(first.status).toBe(503);
    expect(await voucherState(code)).toMatchObject({ enrollments: 0, claim: 'accepted', appliedRedeems: 1 });
    const again = await w.post('/v1/redemptions', body, { key: `dur-${code}-answer` });
    expect(again.status).toBe(201);
    const enrollment = await again.json();
    // Stored with the enrollment, and replayed byte for byte.
    const replay = await w.post('/v1/redemptions', body, { key: `dur-${code}-answer` });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(enrollment);
    expect(await voucherState(code)).toEqual({ enrollments: 1, claim: 'redeemed', reports: 1, appliedRedeems: 1, platformState: 'redeemed' });
  });

  it('the platform down when the provider comes back: the claim holding what it accepted still finishes the redemption', async () => {
    const { code, body } = freshVoucher();
    await arm('enrollments', 'INSERT', 1);
    expect((await w.post('/v1/redemptions', body)).status).toBe(503);
    expect(await voucherState(code)).toMatchObject({ enrollments: 0, claim: 'accepted' });
    w.server.use(http.get(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/${code}`, () => new HttpResponse('down', { status: 503 })));
    try {
      const again = await w.post('/v1/redemptions', body);
      expect(again.status).toBe(201);
    } finally {
      w.server.resetHandlers();
    }
    expect(await voucherState(code)).toEqual({ enrollments: 1, claim: 'redeemed', reports: 1, appliedRedeems: 1, platformState: 'redeemed' });
  });

  it('an accepted claim is finished by the sweeper without the provider coming back, and reconciliation reports it until then', async () => {
    const { code, body } = freshVoucher();
    await arm('enrollments', 'INSERT', 1);
    expect((await w.post('/v1/redemptions', body)).status).toBe(503);
    expect(await voucherState(code)).toMatchObject({ enrollments: 0, claim: 'accepted' });

    const run = await runReconciliation(w.deps, { platform: 'tokopedia', from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000), requestedBy: 'rina' });
    const ops = await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' });
    const found = await w.app.request(`/v1/ops/discrepancies?kind=redemption_unfinished&runId=${run.id}`, { headers: { authorization: `Bearer ${ops}` } });
    const { items } = await found.json();
    expect(items.map((d: { voucherCode: string }) => d.voucherCode)).toContain(code);

    expect(await finishAcceptedRedemptions(w.deps.database.db)).toBeGreaterThanOrEqual(1);
    expect(await voucherState(code)).toEqual({ enrollments: 1, claim: 'redeemed', reports: 1, appliedRedeems: 1, platformState: 'redeemed' });
  });

  it('while the first attempt holds the claim, another attempt is told to retry and names no enrollment', async () => {
    const { code, body } = freshVoucher();
    await arm('voucher_claims', 'UPDATE', 1_000_000);
    expect((await w.post('/v1/redemptions', body)).status).toBe(503);
    await disarm();
    const busy = await w.post('/v1/redemptions', body);
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBeTruthy();
    const p = await busy.json();
    expect(p).toMatchObject({ code: 'redemption_in_progress' });
    expect(p.enrollmentId).toBeUndefined();
  });

  it('another provider learns nothing from an unfinished or finished redemption: the platform’s own answer', async () => {
    const { code, body } = freshVoucher();
    await arm('enrollments', 'INSERT', 1);
    expect((await w.post('/v1/redemptions', body)).status).toBe(503);
    const unfinished = await w.post('/v1/redemptions', body, { providerId: OTHER_PROVIDER });
    const unfinishedBody = await unfinished.json();
    expect(await w.post('/v1/redemptions', body)).toHaveProperty('status', 201);
    const finished = await w.post('/v1/redemptions', body, { providerId: OTHER_PROVIDER });
    const finishedBody = await finished.json();
    for (const [res, p] of [[unfinished, unfinishedBody], [finished, finishedBody]] as const) {
      expect(res.status).toBe(422);
      expect(p).toMatchObject({ code: 'voucher_not_for_provider' });
      expect(JSON.stringify(p)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  });
});
