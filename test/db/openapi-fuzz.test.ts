/**
 * Issue 8, "Proof required": an OpenAPI-driven fuzz test over the document the gateway serves,
 * on every database target. See test/support/openapi-fuzz.ts for the generators and oracles.
 *
 *   npx vitest run --project db:pglite test/db/openapi-fuzz.test.ts
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run --project db:postgres test/db/openapi-fuzz.test.ts
 *
 * FUZZ_SEED=<n> reproduces a run (the seed is printed); FUZZ_RUNS=<n> sets the number of requests
 * (CI: 3000, locally 1000); FUZZ_BUDGET_MS bounds the time spent sending them; FUZZ_REPORT=<file>
 * also writes the failure report there.
 */
import { writeFileSync } from 'node:fs';
import { and, count, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enrollments } from '../../src/db/schema.js';
import { PLATFORM_IDS, type PlatformId } from '../../src/domain/types.js';
import { DEMO_PARTICIPANTS, DEMO_PROVIDERS, DEMO_VOUCHERS, demoRedeemCodes } from '../../src/sandbox/demo-data.js';
import {
  buildRequest,
  checkAnswer,
  countDiff,
  Late,
  operationsOf,
  refusedAsWhole,
  report,
  requestsFor,
  strayRequests,
  tableCounter,
  type Answer,
  type AuthAs,
  type Failure,
  type FuzzRequest,
  type Hints,
  type Pools,
} from '../support/openapi-fuzz.js';
import { DB_TARGET } from '../support/db.js';
import { simVoucher } from '../support/sim-data.js';
import { useWorld } from '../support/world.js';

const w = useWorld();

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CI ? 3_000 : 1_000));
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? (process.env.CI ? 80_000 : 60_000));
const REQUEST_TIMEOUT_MS = 15_000;

const [OWNER, OTHER] = DEMO_PROVIDERS;
const PLATFORMS = PLATFORM_IDS;
const ACTIVE = DEMO_PARTICIPANTS.filter((p) => p.status === 'active');

/** Fresh purchased vouchers at every platform, for the owner, so valid redemptions keep going deep. */
function freshVouchers() {
  const out: Array<{ platform: PlatformId; code: string; cardNumber: string; name: string }> = [];
  for (let i = 0; i < 40; i++) {
    const p = ACTIVE[i % ACTIVE.length];
    const n = String(i).padStart(6, '0');
    out.push({ platform: 'tokopedia', code: `TKPFZ${String(i).padStart(7, '0')}`, cardNumber: p.cardNumber, name: p.name });
    out.push({ platform: 'bukalapak', code: `BL77${n}`, cardNumber: p.cardNumber, name: p.name });
    out.push({ platform: 'kemnaker', code: `SK-2027-${n}`, cardNumber: p.cardNumber, name: p.name });
    out.push({ platform: 'kariermu', code: `KMU-FZ${n}`, cardNumber: p.cardNumber, name: p.name });
  }
  return out;
}
const VOUCHERS = freshVouchers();
const DEMO_CODES = DEMO_VOUCHERS.map((v) => ({ platform: v.platform, code: v.code, cardNumber: v.cardNumber, name: v.buyerName }));
const REDEEM_CODES = [...demoRedeemCodes(new Date()).map((r) => r.redeemCode), ...Array.from({ length: 30 }, (_, i) => `RC-FZ-${String(i).padStart(4, '0')}`), ...Array.from({ length: 10 }, (_, i) => `RC-FZO-${String(i).padStart(4, '0')}`)];

const hints: Hints = (path, s) => {
  const name = path.at(-1);
  if (s.format === 'uuid' && (name === 'id' || name === 'enrollmentId')) return fc.nat(10_000).map((n) => new Late('enrollment', n));
  if (name === 'id' && s.type === 'integer') return fc.integer({ min: 1, max: 8 });
  if (name === 'ids') return fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 });
  if (name === 'redeemCode') return fc.constantFrom(...REDEEM_CODES);
  if (name === 'sequence') return fc.constantFrom(1, 1, 2, 3, 999);
  if (name === 'cardNumber') return fc.constantFrom(...DEMO_PARTICIPANTS.map((p) => p.cardNumber));
  if (name === 'code' && path.length === 1) return fc.constantFrom(...[...VOUCHERS, ...DEMO_CODES].map((v) => v.code));
  if (name === 'fileUrl') return fc.constantFrom('https://files.example.id/tugas/1.pdf', 'https://lms.example.id/t/2');
  if (name === 'redirectUri') return fc.constant('https://lms.example.id/return');
  if (name === 'reason') return fc.constantFrom('fuzz: checked with the participant', 'fuzz');
  if (name === 'from' || name === 'to') return fc.integer({ min: 0, max: 20 }).map((d) => new Date(Date.now() - (name === 'from' ? d + 1 : 0) * 86_400_000).toISOString());
  if (name === 'completedAt' || name === 'attendedAt' || name === 'issuedAt') return fc.integer({ min: 0, max: 3_600 }).map((s) => new Date(Date.now() - s * 1000).toISOString());
  if (name === 'programYear') return fc.constantFrom(2026, 2025);
  if (name === 'destination') return fc.constantFrom('tokopedia', 'prakerja', 'kemnaker');
  return undefined;
};

const redemptionBody = fc
  .tuple(fc.constantFrom(...VOUCHERS, ...DEMO_CODES), fc.boolean(), fc.constantFrom('', ' Jr', 'x'))
  .map(([v, withPlatform, tweak]) => ({
    voucherCode: v.code,
    cardNumber: v.cardNumber,
    participant: { name: `${v.name}${tweak === 'x' ? '' : tweak}`, email: 'peserta@example.id' },
    ...(withPlatform ? { platform: v.platform } : {}),
  }));

/** Redeem codes of each provider's participants (by prakerja client code). */
const OWNER_REDEEM_CODES = new Set([...demoRedeemCodes(new Date()).filter((r) => r.clientCode === OWNER.prakerjaClientCode).map((r) => r.redeemCode), ...REDEEM_CODES.filter((c) => c.startsWith('RC-FZ-'))]);
const OTHER_REDEEM_CODES = new Set([...demoRedeemCodes(new Date()).filter((r) => r.clientCode === OTHER.prakerjaClientCode).map((r) => r.redeemCode), ...REDEEM_CODES.filter((c) => c.startsWith('RC-FZO-'))]);
/**
 * Tasks are keyed per provider: a submission for a code that is not yours makes a task of your
 * own (which prakerja.go.id refuses), exactly as for a code that does not exist, and never
 * touches the owner's (test/db/tenancy.test.ts checks that).
 */
const OWN_NAMESPACE = new Set(['POST /v1/tasks', 'POST /v1/tasks/feedback', 'GET /v1/tasks/{redeemCode}/{scope}/{sequence}']);

function redeemCodeOf(req: FuzzRequest): string | undefined {
  const b = req.body && 'json' in req.body ? (req.body.json as { redeemCode?: unknown }) : undefined;
  if (b && typeof b.redeemCode === 'string') return b.redeemCode;
  if (req.op.startsWith('GET /v1/tasks/') && typeof req.path[2] === 'string') return req.path[2];
  return undefined;
}
function idsIn(v: unknown, key?: string, out: string[] = []): string[] {
  if (typeof v === 'string' && key === 'id' && /^[0-9a-f-]{36}$/.test(v)) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => idsIn(x, undefined, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) idsIn(x, k, out);
  return out;
}

const pools: Pools = { hints, bodies: { 'POST /v1/redemptions': redemptionBody } };

describe(`OpenAPI fuzz (${DB_TARGET})`, () => {
  it(
    'answers every generated request within the contract: no 5xx, problem+json, refused requests write nothing',
    async () => {
      // The world the requests act on: fresh vouchers and redeem codes for both providers.
      for (const v of VOUCHERS) w.sandbox.platforms[v.platform].addVoucher(simVoucher({ code: v.code, cardNumber: v.cardNumber, buyerName: v.name, courseId: 'CRS-EXCEL-01', providerId: OWNER.id }));
      const now = Date.now();
      for (const rc of REDEEM_CODES.filter((c) => c.startsWith('RC-FZ'))) {
        const other = rc.startsWith('RC-FZO');
        w.sandbox.prakerja.addRedeemCode({
          redeemCode: rc,
          sequence: 1,
          clientCode: other ? OTHER.prakerjaClientCode : OWNER.prakerjaClientCode,
          courseCode: other ? 'CRS-ENG-01' : 'CRS-EXCEL-01',
          courseType: 'spl',
          scheduleStart: new Date(now - 86_400_000),
          scheduleEnd: new Date(now + 30 * 86_400_000),
          status: 'valid',
          invoiceCode: `INV-${rc}`,
          dpPlatform: 'tokopedia',
        });
      }

      const doc = await (await w.app.request('/openapi.json')).json();
      const ops = operationsOf(doc);
      expect(ops.length).toBeGreaterThanOrEqual(20);

      const tokens: Record<AuthAs, string | undefined> = {
        provider: await w.token(OWNER.id),
        'other-provider': await w.token(OTHER.id),
        ops: await w.deps.tokens.issue({ kind: 'ops', operator: 'fuzz' }),
        'unknown-provider': await w.deps.tokens.issue({ kind: 'provider', providerId: 'prv-no-such-provider' }),
        garbage: 'eyJhbGciOiJub25lIn0.e30.',
        'control-char': 'abc\u0001def',
        none: undefined,
      };

      const genStarted = Date.now();
      const requests = fc.sample(
        fc.oneof(...ops.map((op) => ({ weight: 24, arbitrary: requestsFor(op, pools) })), { weight: ops.length, arbitrary: strayRequests(ops, pools) }),
        { seed: SEED, numRuns: RUNS },
      );

      const genMs = Date.now() - genStarted;
      let countMs = 0;
      const enrollmentIds: string[] = [];
      /** Enrollment ids answered to the owner: the other provider must never see one (tenancy rule). */
      const ownerIds = new Set<string>();
      const resolve = (l: Late) => (l.pool === 'enrollment' && enrollmentIds.length ? enrollmentIds[l.n % enrollmentIds.length] : '00000000-0000-4000-8000-000000000000');
      const collect = (v: unknown, key?: string) => {
        if (typeof v === 'string' && (key === 'id' || key === 'enrollmentId') && /^[0-9a-f-]{36}$/.test(v) && !enrollmentIds.includes(v)) enrollmentIds.push(v);
        else if (Array.isArray(v)) v.forEach((x) => collect(x));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k);
      };

      const countRows = await tableCounter(w.deps.database.db);
      const failures: Failure[] = [];
      const statuses = new Map<string, number>();
      const opMs = new Map<string, number>();
      let sentCount = 0;
      let unsendable = 0;
      const started = Date.now();
      for (const req of requests) {
        if (Date.now() - started > BUDGET_MS) break;
        let sent: ReturnType<typeof buildRequest>;
        let request: Request;
        try {
          sent = buildRequest(req, tokens, resolve);
          request = new Request(`http://gateway.test${sent.url}`, sent.init);
        } catch {
          unsendable++; // e.g. a header value fetch itself refuses to send
          continue;
        }
        const c0 = performance.now();
        const before = await countRows();
        countMs += performance.now() - c0;
        let res: Response;
        const t0 = performance.now();
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          res = await Promise.race([
            w.app.fetch(request) as Promise<Response>,
            new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS))),
          ]);
        } catch (e) {
          failures.push({ oracle: 'threw / no answer', req, status: 0, excerpt: String((e as Error).message).slice(0, 200) });
          continue;
        } finally {
          clearTimeout(timer);
        }
        sentCount++;
        const text = await res.text();
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const answer: Answer = { status: res.status, headers: res.headers, text, json };
        const key = `${req.op} ${res.status}`;
        opMs.set(req.op, (opMs.get(req.op) ?? 0) + (performance.now() - t0));
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        for (const f of checkAnswer(req, answer)) failures.push({ ...f, req });
        // Tenancy: what the other provider is told names nothing of the owner's, and it cannot act on the owner's redeem codes.
        if (req.auth === 'other-provider') {
          const asked = `${sent.url} ${typeof sent.init.body === 'string' ? sent.init.body : ''}`;
          const leaked = [...ownerIds].find((id) => text.includes(id) && !asked.includes(id)); // echoing the caller's own input is no leak
          if (leaked) failures.push({ oracle: 'cross-tenant leak', req, status: res.status, code: (json as { code?: string })?.code, excerpt: text.slice(0, 240), detail: `names the owner's enrollment ${leaked}` });
          if (res.status < 400 && !OWN_NAMESPACE.has(req.op) && OWNER_REDEEM_CODES.has(redeemCodeOf(req) ?? '')) failures.push({ oracle: 'cross-tenant action', req, status: res.status, excerpt: text.slice(0, 240), detail: `acted on the owner's redeem code ${redeemCodeOf(req)}` });
        }
        if (req.auth === 'provider' && res.status < 400 && !OWN_NAMESPACE.has(req.op) && OTHER_REDEEM_CODES.has(redeemCodeOf(req) ?? '')) failures.push({ oracle: 'cross-tenant action', req, status: res.status, excerpt: text.slice(0, 240), detail: `acted on the other provider's redeem code ${redeemCodeOf(req)}` });
        if (req.auth === 'provider' && res.status < 300 && json) for (const id of idsIn(json)) ownerIds.add(id);
        if (refusedAsWhole(answer)) {
          const c1 = performance.now();
          const after = await countRows();
          countMs += performance.now() - c1;
          const diff = countDiff(before, after);
          if (diff) failures.push({ oracle: 'refused request wrote rows', req, status: res.status, code: (json as { code?: string })?.code, excerpt: text.slice(0, 200), detail: diff });
        }
        if (res.status < 300) collect(json);
        // A voucher the platform has consumed always ends in an enrollment (issue 8, first promise).
        const code = req.op === 'POST /v1/redemptions' && req.body && 'json' in req.body ? (req.body.json as { voucherCode?: unknown })?.voucherCode : undefined;
        if (typeof code === 'string') {
          for (const platform of PLATFORMS) {
            const v = w.sandbox.platforms[platform].vouchers.get(code.trim());
            if (v?.state !== 'redeemed') continue;
            const [e] = await w.deps.database.db.select({ n: count() }).from(enrollments).where(and(eq(enrollments.platform, platform), eq(enrollments.voucherCode, code.trim())));
            if (e.n === 0) failures.push({ oracle: 'voucher consumed without enrollment', req, status: res.status, code: (json as { code?: string })?.code, excerpt: text.slice(0, 200), detail: `${platform} ${code.trim()} redeemed at the platform, no enrollment` });
          }
        }
      }
      const elapsed = Date.now() - started;

      const byOp = new Map<string, string[]>();
      for (const [k, n] of statuses) {
        const at = k.lastIndexOf(' ');
        byOp.set(k.slice(0, at), [...(byOp.get(k.slice(0, at)) ?? []), `${k.slice(at + 1)}×${n}`]);
      }
      console.info(
        `openapi-fuzz ${DB_TARGET}: seed ${SEED} (FUZZ_SEED), ${sentCount}/${RUNS} requests sent in ${elapsed} ms (generated in ${genMs} ms; counting rows ${Math.round(countMs)} ms), ${unsendable} unsendable, ${enrollmentIds.length} enrollments seen\n` +
          [...byOp].map(([op, s]) => `  ${op}: ${s.join(' ')} (${Math.round(opMs.get(op) ?? 0)} ms)`).join('\n'),
      );
      expect(sentCount, 'the time budget cut the run short').toBeGreaterThanOrEqual(Math.min(RUNS, 200));
      if (failures.length) {
        const text = `seed ${SEED}: ${report(failures)}`;
        if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, `${text}\n`);
        expect.fail(text);
      }
    },
    BUDGET_MS + 120_000,
  );
});

