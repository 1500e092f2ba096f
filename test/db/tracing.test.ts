import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { startTracing } from '../../src/node/tracing.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

// The SDK as `npm start` registers it, exporting into memory; this file runs in a process of its own.
const exporter = new InMemorySpanExporter();
const tracing = startTracing({}, { processors: [new SimpleSpanProcessor({ exporter })] })!;
const w = useWorld();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = `00-${TRACE_ID}-${CALLER_SPAN}-01`;
const siti = { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } };

/** What reached the partners (msw sees the adapters' real requests): path → traceparent. */
const sent: { path: string; traceparent: string | null }[] = [];
const lines: Record<string, unknown>[] = [];

beforeAll(() => {
  w.server.events.on('request:start', ({ request }) => {
    if (request.url.startsWith(SANDBOX_BASE)) sent.push({ path: new URL(request.url).pathname, traceparent: request.headers.get('traceparent') });
  });
  const destination = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  w.deps.logger = createLogger({ level: 'info', destination });
});
afterAll(() => tracing.shutdown());

const id = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** The spans under `root` in its trace, root excluded, each with its depth. */
function descendants(spans: ReadableSpan[], root: ReadableSpan): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  const walk = (p: ReadableSpan) => spans.filter((s) => parentOf(s) === id(p)).forEach((s) => (out.push(s), walk(s)));
  walk(root);
  return out;
}

describe('one redemption, traced', () => {
  it('is one span tree under the caller’s trace: request → partner calls and transactions, traceparent sent on', async () => {
    exporter.reset();
    const res = await w.post('/v1/redemptions', siti, { headers: { traceparent } });
    expect(res.status).toBe(201);
    const spans = exporter.getFinishedSpans();

    // The request span continues the provider's trace, as a child of the provider's span.
    const request = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(request.name).toBe('POST /v1/redemptions');
    expect(request.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(request)).toBe(CALLER_SPAN);
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/redemptions', 'http.response.status_code': 201 });

    // Everything else the request did hangs under it, in the same trace.
    const under = descendants(spans, request);
    expect(under.length).toBe(spans.length - 1);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE_ID]));

    const partner = under.filter((s) => s.kind === SpanKind.CLIENT);
    expect(partner.map((s) => s.name)).toEqual(['tokopedia getVoucher', 'prakerja lookupParticipant', 'tokopedia redeemVoucher']);
    for (const s of partner) {
      expect(s.attributes).toMatchObject({ 'partner.platform': s.name.split(' ')[0], 'partner.operation': s.name.split(' ')[1], 'partner.attempt': 1, 'http.response.status_code': 200 });
    }
    // Transactions, and writes atomic by themselves (the enrollment's is one statement).
    const transactions = under.filter((s) => s.name === 'db.transaction' || s.name === 'db.write');
    expect(transactions.length).toBeGreaterThanOrEqual(1);
    // The enrollment is written once the platform has redeemed: a write after the redeem call.
    const redeemEnd = hrTimeToNanoseconds(partner[2].endTime);
    expect(transactions.some((t) => hrTimeToNanoseconds(t.startTime) >= redeemEnd)).toBe(true);
    for (const t of transactions) expect(t.attributes['db.system.name']).toBe(w.deps.database.kind === 'pglite' ? 'other_sql' : 'postgresql');

    // Each partner got the trace in its traceparent, naming the very span of the call as parent.
    expect(sent.map((r) => r.traceparent)).toEqual(partner.map((s) => `00-${TRACE_ID}-${id(s)}-01`));

    // Every log line of the request names the trace.
    const requestLines = lines.filter((l) => l.msg === 'request' && l.path === '/v1/redemptions');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0].traceId).toBe(TRACE_ID);
  });

  it('names the trace in a problem answer (the caller’s, or a new one without traceparent)', async () => {
    const mismatch = { voucherCode: 'TKPQ9W8E7R6T', cardNumber: '6471055566770006', participant: { name: 'Agus Santoso', email: 'a@example.id' } };
    exporter.reset();
    const refused = await w.post('/v1/redemptions', mismatch, { headers: { traceparent } });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ code: 'name_mismatch', traceId: TRACE_ID });

    exporter.reset();
    const invalid = await w.post('/v1/redemptions', { ...siti, cardNumber: 'x' });
    expect(invalid.status).toBe(400);
    const own = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER)!;
    expect(own.spanContext().traceId).not.toBe(TRACE_ID);
    expect(await invalid.json()).toMatchObject({ code: 'validation_failed', traceId: own.spanContext().traceId });
  });
});
