import { expect } from 'vitest';
import type { SignedCallback, SimulatorState } from '../../adapters/shared/simulator-kit.js';
import { AdapterError, CallbackRejected, type CallbackRequest, type CompletionReport, type PlatformAdapter } from '../../adapters/types.js';
import { ENROLLMENT_STATES, type EnrollmentState } from '../../src/domain/types.js';
import type { Fetchable } from './msw.js';
import { simVoucher } from './sim-data.js';

/** POSTs a body to a simulator's sandbox-only `/_sandbox/emit` door. */
export function sandboxEmit(sim: { app: Fetchable }, body: unknown, base = 'http://sim'): Promise<Response> {
  return Promise.resolve(sim.app.fetch(new Request(`${base}/_sandbox/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })));
}

/** Builds what the gateway's callback route at `path` hands to `verifyCallback`, from a signed callback; `over` changes any part. */
export const callbackRequestTo =
  (path: string) =>
  (s: SignedCallback, over: Partial<CallbackRequest> = {}): CallbackRequest => ({ path, headers: new Headers(s.headers), rawBody: s.body, receivedAt: new Date(), ...over });

/** Expects `verifyCallback` to refuse, and answers the refusal. */
export async function callbackRejection(p: Promise<unknown>): Promise<CallbackRejected> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(CallbackRejected);
  return e as CallbackRejected;
}

/** What `verifyCallback` made of a callback: `accepted`, the rejection's reason, or what else it threw. */
export const callbackVerdict = (p: Promise<unknown>) => p.then(() => 'accepted', (e) => (e instanceof CallbackRejected ? e.reason : `threw ${e}`));

/** A delivered callback as the gateway's route would hand it to `verifyCallback`. */
export async function receivedCallback(r: Request, receivedAt = new Date()): Promise<CallbackRequest> {
  return { path: new URL(r.url).pathname, headers: r.headers, rawBody: await r.text(), receivedAt };
}

/**
 * A stand-in gateway for a simulator's `callback` option: it keeps every callback delivered to
 * it and answers `status`.
 */
export function gatewayStub(url: string, status = 200) {
  const delivered: CallbackRequest[] = [];
  const callback = {
    url,
    fetch: async (r: Request) => {
      delivered.push(await receivedCallback(r));
      return new Response(null, { status });
    },
  };
  return { callback, delivered };
}

/** A callback target the gateway cannot be reached at. */
export const unreachableGateway = (url: string) => ({ url, fetch: (): Promise<Response> => Promise.reject(new Error('connection refused')) });

/**
 * Pages through `listVouchers` until the platform gives no cursor. `between` runs after each
 * page (numbered from 1), to change the platform's state while a client is paging.
 */
export async function pageAll(adapter: Pick<PlatformAdapter, 'listVouchers'>, req: { from: Date; to: Date; limit?: number }, between?: (page: number) => void) {
  const codes: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await adapter.listVouchers({ ...req, cursor });
    codes.push(...page.items.map((v) => v.code));
    sizes.push(page.items.length);
    cursor = page.nextCursor;
    between?.(sizes.length);
  } while (cursor);
  return { codes, sizes };
}

/**
 * What the platform answers a completion report for a voucher in each canonical state: `accepted`,
 * or `<HTTP status> <platform code>`. One voucher per state, coded by `code(state)`.
 */
export async function completionVerdicts(
  state: SimulatorState,
  adapter: Pick<PlatformAdapter, 'reportCompletion'>,
  report: CompletionReport,
  code: (s: EnrollmentState, i: number) => string,
): Promise<Record<EnrollmentState, string>> {
  const out = {} as Record<EnrollmentState, string>;
  for (const [i, s] of ENROLLMENT_STATES.entries()) {
    const voucherCode = code(s, i);
    state.addVoucher(simVoucher({ code: voucherCode, state: s, redeemedAt: s === 'purchased' ? undefined : new Date() }));
    out[s] = await adapter.reportCompletion({ ...report, voucherCode, idempotencyKey: `verdict-${s}` }).then(
      () => 'accepted',
      (e: unknown) => (e instanceof AdapterError ? `${e.detail.httpStatus} ${e.detail.platformCode}` : `threw ${e}`),
    );
  }
  return out;
}
