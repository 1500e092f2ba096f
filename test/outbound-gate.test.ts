/**
 * Outbound caps per partner, over real HTTP to a loopback partner: no more calls in flight than
 * the cap, a partner's 429 + Retry-After holds the next call (which is refused as rate limited
 * without reaching the partner when it cannot wait that long), and a started call is never cut.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, wireRequest } from '../adapters/shared/http.js';
import { AdapterError, type AdapterContext } from '../src/contract/adapter.js';
import { outboundGate } from '../src/lib/outbound-gate.js';
import { platformProblem } from '../src/services/platform-problems.js';

let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
const server = createServer((req, res) => handler(req, res));
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ctx = (gate: AdapterContext['gate']): AdapterContext => ({ fetch: (i, init) => fetch(i, init), timeoutMs: 5000, gate });

describe('outbound caps per partner', () => {
  it('never more calls in flight to one partner than its cap; another partner is not held by it', async () => {
    let inFlight = 0;
    let peak = 0;
    const waiting: Array<() => void> = [];
    handler = (req, res) => {
      peak = Math.max(peak, ++inFlight);
      waiting.push(() => (inFlight--, res.end('{}')));
    };
    const c = ctx(outboundGate({ concurrency: 2, perSecond: 1000, maxWaitMs: 10_000 }));
    const calls = Array.from({ length: 6 }, () => send(c, 'tokopedia', wireRequest(`${base}/v`)));
    // Release whatever has arrived until all six are answered.
    let answered = 0;
    const all = Promise.all(calls.map((p) => p.then(() => answered++)));
    while (answered < 6) {
      await new Promise((r) => setTimeout(r, 5));
      waiting.splice(0).forEach((release) => release());
    }
    await all;
    expect(peak).toBe(2);
  });

  it('a partner’s 429 with Retry-After holds the next call; one that cannot wait is refused as rate_limited without reaching the partner', async () => {
    let seen = 0;
    handler = (_req, res) => {
      seen++;
      res.writeHead(429, { 'retry-after': '30' }).end('{}');
    };
    const c = ctx(outboundGate({ concurrency: 4, perSecond: 1000, maxWaitMs: 50 }));
    const first = await send(c, 'bukalapak', wireRequest(`${base}/v`));
    expect(first.status).toBe(429);
    const err = await send(c, 'bukalapak', wireRequest(`${base}/v`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'rate_limited', platform: 'bukalapak', retryable: true, detail: { platformCode: 'gateway_cap' } });
    expect(platformProblem(err).problem).toMatchObject({ status: 503, code: 'partner_unavailable', platform: 'bukalapak', reason: 'saturated' });
    expect((err as AdapterError).detail.retryAfterMs).toBeGreaterThan(20_000);
    expect(seen).toBe(1);
    // Another partner is not held by it.
    handler = (_req, res) => (seen++, res.end('{}'));
    expect((await send(c, 'kemnaker', wireRequest(`${base}/v`))).status).toBe(200);
  });

  it('a call that started is the adapter’s: the wait bound never cuts it', async () => {
    handler = (_req, res) => setTimeout(() => res.end('{"ok":true}'), 150);
    const c = ctx(outboundGate({ concurrency: 1, perSecond: 1000, maxWaitMs: 20 }));
    const res = await send(c, 'kariermu', wireRequest(`${base}/v`));
    expect(res.json).toEqual({ ok: true });
  });
});
