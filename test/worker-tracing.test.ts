/**
 * Tracing on Cloudflare Workers, run for real: the sandbox Worker under workerd with the standard
 * OTEL_* variables pointing at a loopback OTLP/HTTP receiver, against a fresh PostgreSQL database.
 * One redemption continuing a provider's `traceparent` reaches the receiver as OTLP JSON: the
 * request span, the three partner calls and the database write, all under the request span.
 * The default (no variables: nothing registered) is checked in test/worker.test.ts under workerd
 * and below for the switch itself, with the settings.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { trace, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenKeys } from '../src/auth/tokens.js';
import { otlpTracesTarget, resourceAttributesFrom } from '../src/lib/otel-settings.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';
import { startSandboxWorker, WRANGLER_OFFLINE } from './support/worker.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('OTLP settings a Worker reads from its variables', () => {
  it('sends to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, or the traces endpoint as given, with the headers', () => {
    expect(otlpTracesTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).url).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.id/otlp/' }).url).toBe('https://otel.example.id/otlp/v1/traces');
    expect(otlpTracesTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/traces' }).url).toBe('http://b/traces');
    const target = otlpTracesTarget({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=gw',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    });
    expect(target.headers).toEqual({ authorization: 'Bearer abc', 'x-team': 'traces' });
    expect(target.timeoutMillis).toBe(2500);
    expect(otlpTracesTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a' }).timeoutMillis).toBeUndefined();
  });

  it('names the service prakerja-gateway unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES says otherwise', () => {
    expect(resourceAttributesFrom({})).toEqual({ 'service.name': 'prakerja-gateway' });
    expect(resourceAttributesFrom({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,deployment.environment.name=prod' })).toEqual({
      'service.name': 'from-attrs',
      'deployment.environment.name': 'prod',
    });
    expect(resourceAttributesFrom({ OTEL_SERVICE_NAME: 'gw-edge', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' })['service.name']).toBe('gw-edge');
  });
});

describe('an isolate’s tracing switch', () => {
  // A fresh module each time: the switch is decided once per isolate (module instance).
  beforeEach(() => vi.resetModules());
  const recording = () => trace.getTracer('probe').startSpan('probe').isRecording();

  it('registers nothing without the variables that ask for an exporter', async () => {
    const { workerTracing } = await import('../src/workers/tracing.js');
    const errors: unknown[] = [];
    expect(workerTracing({ OTEL_SERVICE_NAME: 'gw', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' }, (e) => errors.push(e))).toBeUndefined();
    expect(recording()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('stays off, said once, when the endpoint is no URL, so the gateway keeps serving', async () => {
    const { workerTracing } = await import('../src/workers/tracing.js');
    const errors: unknown[] = [];
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector without a scheme' };
    expect(workerTracing(env, (e) => errors.push(e))).toBeUndefined();
    expect(workerTracing(env, (e) => errors.push(e))).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(recording()).toBe(false);
  });
});

describe('the isolate’s span buffer', () => {
  /** An exporter whose exports stay in flight until the test answers them. */
  function heldExporter() {
    const held: Array<{ spans: ReadableSpan[]; done: (r: ExportResult) => void }> = [];
    const exporter: SpanExporter = { export: (spans, done) => void held.push({ spans, done }), shutdown: async () => {} };
    return { exporter, held };
  }
  const span = (name: string, flags = TraceFlags.SAMPLED) => ({ name, spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: flags }) }) as unknown as ReadableSpan;

  it('sends what ended since the last flush, once, and keeps no unsampled span', async () => {
    const { InvocationSpanProcessor } = await import('../src/workers/tracing.js');
    const { exporter, held } = heldExporter();
    const p = new InvocationSpanProcessor(exporter);
    p.onEnd(span('a'));
    p.onEnd(span('unsampled', TraceFlags.NONE));
    p.onEnd(span('b'));
    const first = p.flush();
    expect(held.map((h) => h.spans.map((s) => s.name))).toEqual([['a', 'b']]);
    held[0].done({ code: ExportResultCode.FAILED, error: new Error('collector down') });
    expect((await first)?.message).toBe('collector down');
    await p.flush();
    expect(held).toHaveLength(1);
  });

  it('past 16 exports in flight leaves the spans for a later flush instead of an export the exporter would refuse', async () => {
    const { InvocationSpanProcessor } = await import('../src/workers/tracing.js');
    const { exporter, held } = heldExporter();
    const p = new InvocationSpanProcessor(exporter);
    const flushes = Array.from({ length: 16 }, (_, i) => (p.onEnd(span(`s${i}`)), p.flush()));
    p.onEnd(span('kept'));
    expect(await p.flush()).toBeUndefined();
    expect(held).toHaveLength(16);
    held[0].done({ code: ExportResultCode.SUCCESS });
    await flushes[0];
    p.onEnd(span('later'));
    void p.flush();
    expect(held[16].spans.map((s) => s.name)).toEqual(['kept', 'later']);
  });
});

/** OTLP/HTTP JSON as the receiver gets it (only what the test reads). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: number | string } }>;
}
interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

const DATABASE = process.env.TEST_DATABASE_URL;

describe.skipIf(!DATABASE)('Cloudflare Worker under workerd exporting traces (OTLP/HTTP JSON)', () => {
  type Started = Awaited<ReturnType<typeof startSandboxWorker>>;
  let started: Started;
  let scratch: string;
  let admin: postgres.Sql;
  let dbName: string;
  let collector: Server;
  const posts: Array<{ path: string; headers: IncomingHttpHeaders; body: OtlpExport }> = [];
  const tokens = new TokenKeys(SANDBOX_SECRETS.auth);

  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const CALLER_SPAN = '00f067aa0ba902b7';

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'gateway-worker-tracing-'));
    const base = new URL(DATABASE!);
    dbName = `gw_worker_otel_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    const url = new URL(base);
    url.pathname = `/${dbName}`;
    const env = { ...process.env, ...WRANGLER_OFFLINE, DATABASE_URL: url.toString() };
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/db-migrate.ts'], { cwd: ROOT, env });

    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body) as OtlpExport });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));

    started = await startSandboxWorker({
      scratch,
      vars: {
        DATABASE_URL: url.toString(),
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=s3cret',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await started?.dispose();
    await new Promise((r) => collector?.close(r));
    if (admin) {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 30_000);

  const spansOf = (traceId: string) =>
    posts.flatMap((p) => p.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))).filter((s) => s.traceId === traceId);

  /** Polls until `check` holds: the spans are sent after the answer, in the invocation's waitUntil. */
  async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${posts.length} exports`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('exports a redemption’s trace: the request span under the caller’s, the partner calls and the write under it', async () => {
    const token = await tokens.issue({ kind: 'provider', providerId: 'prv-komputer-jaya' }, 3600);
    const res = await started.worker.fetch('http://gateway.test/v1/redemptions', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'otel-1',
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`,
      },
      body: JSON.stringify({ voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } }),
    });
    expect(res.status, await res.clone().text()).toBe(201);

    const request = await eventually('the request span', () => spansOf(TRACE_ID).find((s) => s.kind === SPAN_KIND_SERVER && s.parentSpanId === CALLER_SPAN));
    expect(request.name).toBe('POST /v1/redemptions');
    expect(request.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: 201 } });

    const spans = spansOf(TRACE_ID);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const under = (s: OtlpSpan): boolean => {
      for (let p = s.parentSpanId; p; p = byId.get(p)?.parentSpanId) if (p === request.spanId) return true;
      return false;
    };
    const partner = spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
    expect(partner.map((s) => s.name).sort()).toEqual(['prakerja lookupParticipant', 'tokopedia getVoucher', 'tokopedia redeemVoucher']);
    const writes = spans.filter((s) => s.name === 'db.transaction' || s.name === 'db.write');
    expect(writes.length).toBeGreaterThanOrEqual(1);
    for (const s of [...partner, ...writes]) expect(under(s), `${s.name} is not under the request span`).toBe(true);
    expect(writes.flatMap((w) => w.attributes)).toContainEqual({ key: 'db.system.name', value: { stringValue: 'postgresql' } });

    // The standard variables shaped the export: path, headers, JSON, the default service name.
    const post = posts.find((p) => p.body.resourceSpans.some((r) => r.scopeSpans.some((s) => s.spans.some((x) => x.spanId === request.spanId))))!;
    expect(post.path).toBe('/v1/traces');
    expect(post.headers['x-collector-token']).toBe('s3cret');
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    expect(post.body.resourceSpans[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'prakerja-gateway' } });
  }, 60_000);

  it('gives a problem answered without traceparent a trace of its own, and exports it', async () => {
    const res = await started.worker.fetch('http://gateway.test/v1/events', { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(401);
    const { traceId } = (await res.json()) as { traceId?: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const request = await eventually('the refused request’s span', () => spansOf(traceId!).find((s) => s.kind === SPAN_KIND_SERVER));
    expect(request.parentSpanId ?? '').toBe('');
  });

  it('loses no span when invocations overlap in the isolate (each flush sends what has ended by then)', async () => {
    const traceIds = Array.from({ length: 12 }, (_, i) => `${'a'.repeat(30)}${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(
      traceIds.map((t) => started.worker.fetch('http://gateway.test/readyz', { headers: { traceparent: `00-${t}-${CALLER_SPAN}-01` } })),
    );
    expect(answers.map((a) => a.status)).toEqual(traceIds.map(() => 200));
    await eventually('a request span for every trace', () => traceIds.every((t) => spansOf(t).some((s) => s.kind === SPAN_KIND_SERVER)));
  }, 30_000);
});
