import { Hono } from 'hono';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimCallbackEvent, SignedCallback } from '../../adapters/shared/simulator-kit.js';
import { AdapterError, type AdapterErrorKind, type CallbackRequest, type CanonicalEvent, type PlatformAdapter } from '../../src/contract/adapter.js';
import { ENROLLMENT_STATES, type EnrollmentState } from '../../src/contract/canonical.js';
import { sandboxSettingsOf, type PlatformDefinition, type SimulatorInstance } from '../../src/contract/platform.js';
import { callbackVerdict, gatewayStub, pageAll, sandboxEmit } from './adapter-tests.js';
import { mockNetwork, type Fetchable } from './msw.js';
import { partnerContract, partnerContractFile, type PartnerContract } from './partner-contract.js';
import { simVoucher } from './sim-data.js';

/**
 * What a platform's conformance needs beyond its definition, written by hand in test/ so that
 * the suite checks the adapter's tables against an independent statement, never against
 * themselves.
 */
export interface ConformanceFixture {
  /** The platform's status words and the canonical state each means, as the contract (openapi/partners/<id>.yaml) says. */
  statuses: Record<string, EnrollmentState>;
  /** The platform's error codes: canonical kind and whether a retry can help. */
  errors: Record<string, readonly [AdapterErrorKind, boolean]>;
  /**
   * The platform's callback words and the canonical event each means, as its contract says. The
   * simulator speaks each, the adapter must read each as this kind, and no other word is spoken.
   */
  events?: Record<string, CanonicalEvent['kind']>;
  /** The platform's written contract, when it is not openapi/partners/<id>.yaml (a platform defined in the tests). */
  contract?: URL;
  /** Signatures computed independently (openssl), recomputed by the adapter's own code. */
  vectors?: Array<{ name: string; compute: () => Promise<string> | string; expected: string }>;
}

const NOW = () => new Date();

/**
 * One msw server for every suite in the file (msw intercepts per process): it routes by origin
 * to each platform's simulator; a test's overrides are dropped after it by resetHandlers.
 */
const routes = new Map<string, { sim: Fetchable; contract: PartnerContract }>();
let shared: ReturnType<typeof mockNetwork> | undefined;
function network() {
  shared ??= mockNetwork(
    http.all('*', async ({ request }) => {
      const target = routes.get(new URL(request.url).origin);
      if (!target) return new HttpResponse('no simulator at this origin', { status: 599 });
      // Every exchange with a simulator is held against the platform's written contract.
      const sent = request.clone();
      const answer = await target.sim.fetch(request);
      await target.contract.check(sent, answer.clone());
      return answer;
    }),
  );
  return shared;
}
const TIMEOUT_MS = 300;

/** A canonical event every simulator can sign, to exercise the adapter's callback verification. */
async function signSomething(sim: SimulatorInstance, code: string, opts?: { eventId?: string; at?: Date }): Promise<SignedCallback> {
  const candidates: SimCallbackEvent[] = [
    { kind: 'voucher.refunded', voucherCode: code, at: new Date() },
    { kind: 'voucher.expired', voucherCode: code, at: new Date() },
    { kind: 'purchase.made', voucher: simVoucher({ code }) },
  ];
  let last: unknown;
  for (const e of candidates) {
    try {
      return await sim.callback(e, opts);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/**
 * The conformance suite every registered platform runs: the adapter against its own simulator,
 * over real HTTP (msw), as the gateway would use it. `others` are other platforms whose signed
 * callbacks this adapter must refuse.
 */
export function describePlatformAdapter(definition: PlatformDefinition, fixture: ConformanceFixture, others: readonly PlatformDefinition[] = []): void {
  const id = definition.id;
  const origin = `https://${id}.conformance.test`;
  const base = `${origin}/sandbox/${id}`;
  const callbackPath = `/v1/callbacks/${id}`;
  const gateway = gatewayStub(`http://gateway.test${callbackPath}`);
  let sim: SimulatorInstance;
  let adapter: PlatformAdapter;
  let strangers: Array<{ id: string; sim: SimulatorInstance }> = [];
  let keys: Record<string, string> = {};
  let contract: PartnerContract;
  const server = network();
  const ctx = { fetch: (i: Request | string | URL, init?: RequestInit) => fetch(i, init), timeoutMs: TIMEOUT_MS, now: NOW };
  const codeAt = (i: number) => definition.sampleCode(900_000 + i);
  const request = (s: SignedCallback, over: Partial<CallbackRequest> = {}): CallbackRequest => ({ path: callbackPath, headers: new Headers(s.headers), rawBody: s.body, receivedAt: new Date(), ...over });

  const build = async (d: PlatformDefinition, k: Record<string, string>) => {
    const make = await d.loadSimulator();
    return make({ raw: sandboxSettingsOf(d, { baseUrl: `https://${d.id}.conformance.test/sandbox/${d.id}`, keys: k }), keys: k, now: NOW, callback: gateway.callback });
  };

  beforeAll(async () => {
    keys = (await definition.sandboxKeys?.()) ?? {};
    sim = await build(definition, keys);
    // Mounted under the same prefix as in the sandbox: some schemes sign the full path.
    contract = await partnerContract(fixture.contract ?? partnerContractFile(id), `/sandbox/${id}`);
    routes.set(origin, { sim: new Hono().route(`/sandbox/${id}`, sim.app), contract });
    adapter = definition.createAdapter(sandboxSettingsOf(definition, { baseUrl: base, keys }), ctx);
    strangers = await Promise.all(others.filter((o) => o.id !== id).map(async (o) => ({ id: o.id, sim: await build(o, (await o.sandboxKeys?.()) ?? {}) })));
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => {
    routes.delete(origin);
    if (routes.size === 0) {
      shared?.close();
      shared = undefined;
    }
  });

  describe(`${id} conformance`, () => {
    it('the definition and the adapter agree on id, name and voucher code format; demo vouchers fit it', () => {
      expect(adapter.id).toBe(id);
      expect(adapter.displayName).toBe(definition.displayName);
      expect(adapter.voucherCodePattern.source).toBe(definition.voucherCodePattern.source);
      for (const v of definition.demoVouchers ?? []) expect(v.code).toMatch(definition.voucherCodePattern);
      for (const i of [1, 2, 3, 999_999]) expect(definition.sampleCode(i)).toMatch(definition.voucherCodePattern);
      expect(new Set([1, 2, 3].map(definition.sampleCode)).size).toBe(3);
    });

    it('every setting names its environment variable, and secrets have no production default', () => {
      for (const [name, s] of Object.entries(definition.settings)) {
        expect(s.env, name).toMatch(new RegExp(`^${id.toUpperCase()}_[A-Z0-9_]+$`));
        if (s.secret) expect(s.default, `${s.env} is a secret`).toBeUndefined();
      }
    });

    for (const v of fixture.vectors ?? []) {
      it(`signs as its contract says: ${v.name} (known vector)`, async () => {
        expect(await v.compute()).toBe(v.expected);
      });
    }

    it('its status table is exactly the hand-written one, and covers what the simulator can show', async () => {
      expect(Object.fromEntries(Object.entries(definition.tables.statuses).map(([k, s]) => [String(k), s]))).toEqual(fixture.statuses);
      // Over the wire: a voucher in each canonical state comes back with a platform word that the
      // hand-written table maps back to the state the adapter answered.
      // `reported` is the gateway's own step towards prakerja.go.id: no platform holds it.
      for (const [i, state] of ENROLLMENT_STATES.filter((s) => s !== 'reported').entries()) {
        const code = codeAt(100 + i);
        sim.state.addVoucher(simVoucher({ code, state, redeemedAt: state === 'purchased' ? undefined : new Date() }));
        const v = await adapter.getVoucher(code);
        expect(v, state).not.toBeNull();
        expect(fixture.statuses[v!.platformStatus], `${state} shown as ${v!.platformStatus}`).toBe(v!.state);
      }
    });

    it('its error table is exactly the hand-written one, with the same retry decisions', () => {
      const table = Object.fromEntries(Object.entries(definition.tables.errors).map(([k, e]) => [String(k), [e.kind, e.retry] as const]));
      expect(table).toEqual(fixture.errors);
    });

    it('reads a voucher into canonical form and answers null for an unknown one', async () => {
      const code = codeAt(1);
      sim.state.addVoucher(simVoucher({ code, buyerName: 'Siti Rahmawati' }));
      expect(await adapter.getVoucher(code)).toMatchObject({ platform: id, code, state: 'purchased', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya' });
      expect(await adapter.getVoucher(codeAt(2))).toBeNull();
    });

    if (definition.capabilities.delivery === 'platform_delivered') {
      it('has nothing to redeem: a redemption is refused as an invalid request, and nothing is sent', async () => {
        const code = codeAt(3);
        sim.state.addVoucher(simVoucher({ code }));
        const before = sim.state.received.length;
        await expect(adapter.redeemVoucher({ voucherCode: code, cardNumber: '5201123456780001', participantName: 'Siti', participantEmail: 's@x.id', idempotencyKey: 'k' })).rejects.toMatchObject({ kind: 'invalid_request', retryable: false });
        expect(sim.state.received.length).toBe(before);
      });
    } else {
      it('redeems once; the platform’s refusals come back as canonical, non-retryable errors', async () => {
        const code = codeAt(3);
        sim.state.addVoucher(simVoucher({ code }));
        const req = { voucherCode: code, cardNumber: '5201123456780001', participantName: 'Siti Rahmawati', participantEmail: 'siti@example.id', idempotencyKey: `conf-${code}` };
        const first = await adapter.redeemVoucher(req);
        expect(first.redeemedAt).toBeInstanceOf(Date);
        await expect(adapter.redeemVoucher(req), 'same key replays').resolves.toEqual(first);
        const refusal = (p: Promise<unknown>) => p.then(() => 'redeemed', (e: unknown) => (e instanceof AdapterError ? `${e.kind} ${e.retryable}` : `threw ${e}`));
        expect(await refusal(adapter.redeemVoucher({ ...req, idempotencyKey: `${req.idempotencyKey}-again` }))).toBe('voucher_already_redeemed false');
        sim.state.addVoucher(simVoucher({ code: codeAt(4), state: 'expired', expiresAt: new Date(Date.now() - 86_400_000) }));
        expect(await refusal(adapter.redeemVoucher({ ...req, voucherCode: codeAt(4), idempotencyKey: 'conf-expired' }))).toBe('voucher_expired false');
        sim.state.addVoucher(simVoucher({ code: codeAt(5), state: 'refunded' }));
        expect(await refusal(adapter.redeemVoucher({ ...req, voucherCode: codeAt(5), idempotencyKey: 'conf-refunded' }))).toBe('voucher_refunded false');
        expect(await refusal(adapter.redeemVoucher({ ...req, voucherCode: codeAt(6), idempotencyKey: 'conf-unknown' }))).toBe('voucher_not_found false');
      });
    }

    it('reports a completion with its certificate; the same key again replays the receipt', async () => {
      const code = codeAt(7);
      sim.state.addVoucher(simVoucher({ code, state: 'in_progress', redeemedAt: new Date(Date.now() - 86_400_000) }));
      const report = {
        enrollmentId: 'enr-conformance',
        voucherCode: code,
        cardNumber: '5201123456780001',
        participantName: 'Siti Rahmawati',
        courseId: 'CRS-EXCEL-01',
        outcome: 'passed' as const,
        score: 88,
        completedAt: new Date(Date.now() - 60_000),
        certificate: { number: 'CERT-CONF-1', issuedAt: new Date(Date.now() - 60_000), url: 'https://lpk.example/cert/1', sha256: 'ab'.repeat(32) },
        idempotencyKey: `conf-completion-${code}`,
      };
      const first = await adapter.reportCompletion(report);
      expect(first.reference).toBeTruthy();
      await expect(adapter.reportCompletion(report)).resolves.toEqual(first);
    });

    it('is refused by the platform with credentials it does not hold: auth_failed', async () => {
      const otherKeys = (await definition.sandboxKeys?.()) ?? {};
      const right = sandboxSettingsOf(definition, { baseUrl: base, keys });
      const wrong = Object.fromEntries(
        Object.entries(definition.settings).map(([name, s]) => {
          if (!s.secret) return [name, right[name]];
          const other = s.sandbox({ baseUrl: base, keys: otherKeys });
          return [name, other !== right[name] ? other : `${right[name]}-wrong`];
        }),
      );
      const impostor = definition.createAdapter(wrong, ctx);
      await expect(impostor.getVoucher(codeAt(1))).rejects.toMatchObject({ kind: 'auth_failed' });
    });

    it('maps 429 to a retryable rate_limited and 503 to a retryable platform_unavailable', async () => {
      server.use(http.all(`${origin}/*`, () => new HttpResponse('slow down', { status: 429, headers: { 'retry-after': '3' } })));
      await expect(adapter.getVoucher(codeAt(1))).rejects.toMatchObject({ kind: 'rate_limited', retryable: true, detail: { retryAfterMs: 3000 } });
      server.use(http.all(`${origin}/*`, () => new HttpResponse('down', { status: 503 })));
      await expect(adapter.getVoucher(codeAt(1))).rejects.toMatchObject({ kind: 'platform_unavailable', retryable: true });
    });

    it('times out a platform that does not answer: a retryable timeout', async () => {
      server.use(http.all(`${origin}/*`, async () => {
        await new Promise((r) => setTimeout(r, TIMEOUT_MS * 4));
        return HttpResponse.json({});
      }));
      await expect(adapter.getVoucher(codeAt(1))).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    });

    if (definition.capabilities.listsVouchers) {
      it('lists its vouchers page by page to the end, each exactly once', async () => {
        const from = new Date(Date.now() - 3_600_000);
        const to = new Date(Date.now() + 3_600_000);
        // Pages measured against what is already there: the earlier tests added vouchers too.
        const before = await pageAll(adapter, { from, to, limit: 50 });
        const added = Array.from({ length: 7 }, (_, i) => codeAt(200 + i));
        for (const code of added) sim.state.addVoucher(simVoucher({ code, purchasedAt: new Date(), updatedAt: new Date() }));
        const { codes, sizes } = await pageAll(adapter, { from, to, limit: 3 });
        expect(new Set(codes).size).toBe(codes.length);
        expect(codes.sort()).toEqual([...before.codes, ...added].sort());
        expect(sizes.length).toBeGreaterThan(2);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
      });
    }

    if (definition.capabilities.updates === 'callbacks') {
      it('accepts its simulator’s signed callback, and a replay keeps its event id so the gateway can drop it', async () => {
        const signed = await signSomething(sim, codeAt(1), { eventId: undefined });
        const first = await adapter.verifyCallback(request(signed));
        expect(first.eventId).toBeTruthy();
        expect(first.event.kind).not.toBe('unknown');
        expect((await adapter.verifyCallback(request(signed))).eventId).toBe(first.eventId);
      });

      it('refuses a forged body, missing signature headers, a stale timestamp, and other platforms’ callbacks', async () => {
        const signed = await signSomething(sim, codeAt(1));
        const forged = signed.body.replace(codeAt(1), codeAt(2));
        expect(forged).not.toBe(signed.body);
        expect(await callbackVerdict(adapter.verifyCallback(request(signed, { rawBody: forged })))).toBe('bad_signature');
        expect(await callbackVerdict(adapter.verifyCallback(request({ ...signed, headers: { 'content-type': 'application/json' } })))).toBe('missing_signature');
        const stale = await signSomething(sim, codeAt(1), { at: new Date(Date.now() - 10 * 60_000) });
        expect(['stale_timestamp']).toContain(await callbackVerdict(adapter.verifyCallback(request(stale))));
        for (const s of strangers) {
          const theirs = await signSomething(s.sim, codeAt(1)).catch(() => undefined);
          if (!theirs) continue;
          expect(['missing_signature', 'bad_signature', 'malformed'], `${s.id}'s callback`).toContain(await callbackVerdict(adapter.verifyCallback(request(theirs))));
        }
      });
    }

    if (definition.capabilities.updates === 'callbacks') {
      it('every callback its simulator signs fits the webhooks of its written contract, and is read as the hand-written event table says', async () => {
        const code = codeAt(8);
        sim.state.addVoucher(simVoucher({ code, state: 'in_progress', redeemedAt: new Date() }));
        const at = new Date();
        const events: SimCallbackEvent[] = [
          { kind: 'purchase.made', voucher: simVoucher({ code: codeAt(9) }) },
          { kind: 'review.submitted', voucherCode: code, rating: 5, review: 'Bagus', reviewedAt: at },
          { kind: 'voucher.refunded', voucherCode: code, at },
          { kind: 'voucher.expired', voucherCode: code, at },
          { kind: 'completion.accepted', voucherCode: code, at },
          { kind: 'completion.rejected', voucherCode: code, reason: 'Nilai tidak sesuai', at },
        ];
        // What the adapter read from each callback: the platform's word → the canonical kind.
        const spoken: Record<string, string> = {};
        const read = async (sent: string, s: SignedCallback) => {
          const v = await adapter.verifyCallback(request(s));
          expect(v.event.kind, `${v.platformType} is read as what was sent`).toBe(sent);
          spoken[v.platformType] = v.event.kind;
        };
        for (const e of events) {
          // An event the platform has no word for is refused by its simulator: not part of its contract.
          const s = await sim.callback(e).catch(() => undefined);
          if (!s) continue;
          contract.checkCallback(e.kind, s);
          await read(e.kind, s);
        }
        expect(Object.keys(spoken).length).toBeGreaterThan(0);
        if (definition.capabilities.delivery === 'platform_delivered') {
          // Learning steps go out through the sandbox door, applied first as the platform would.
          const learner = codeAt(10);
          sim.state.addVoucher(simVoucher({ code: learner }));
          const before = gateway.delivered.length;
          for (const step of [{ kind: 'learning.started' }, { kind: 'learning.progress', done: 1 }, { kind: 'learning.completed' }]) {
            expect((await sandboxEmit(sim, { ...step, voucherCode: learner })).status, step.kind).toBeLessThan(300);
          }
          const sent = gateway.delivered.slice(before);
          expect(sent).toHaveLength(3);
          const kinds = ['learning.started', 'learning.progress', 'learning.completed'];
          for (const [i, r] of sent.entries()) {
            const s = { eventId: '', headers: Object.fromEntries(r.headers), body: r.rawBody };
            contract.checkCallback(kinds[i], s);
            await read(kinds[i], s);
          }
        }
        if (fixture.events) expect(spoken, 'the words spoken are exactly the hand-written table').toEqual(fixture.events);
      });
    }

    // Last in the suite, so it sees the traffic of every test above.
    it(`every request it sent and every answer its simulator gave fits its written contract (openapi/partners/${id}.yaml)`, () => {
      expect(contract.checked.length, 'exchanges checked').toBeGreaterThan(10);
      expect([...new Set(contract.violations)]).toEqual([]);
    });
  });
}
