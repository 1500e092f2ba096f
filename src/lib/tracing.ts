import {
  context,
  createContextKey,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * OpenTelemetry through the API only, so the same code runs on Node and on Workers. Until a
 * runtime registers an SDK (src/node/tracing.ts, src/workers/tracing.ts) every call here lands
 * on the API's no-op tracer: no span is recorded and nothing crosses an await, which is what
 * keeps it free.
 */
export const tracer = trace.getTracer('prakerja-gateway');

// W3C trace context on the wire whatever global propagator is (or is not) registered: a
// provider's traceparent is read even with tracing off, so its trace id reaches logs and problems.
const w3c = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = { get: (h, k) => h.get(k) ?? undefined, keys: (h) => [...h.keys()] };
const recordSetter: TextMapSetter<Record<string, string>> = { set: (h, k, v) => void (h[k] = v) };

/** The caller's trace context (`traceparent`), or none. */
export function incomingContext(headers: Headers): Context {
  return w3c.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Writes the current span's `traceparent` into an outgoing request's headers (nothing when there is none). */
export function injectTraceContext(headers: Record<string, string>): void {
  w3c.inject(context.active(), headers, recordSetter);
}

/** A span's trace id, when it belongs to a trace (tracing on, or a traceparent came in). */
export function traceIdOf(span: Span | undefined): string | undefined {
  const sc = span?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

/** The trace id of the span running now; what the logger's mixin writes on each line. */
export const activeTraceId = (): string | undefined => traceIdOf(trace.getActiveSpan());

/** Runs `fn` in a span of its own, ending it and recording a thrown error on it. */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, kind = SpanKind.INTERNAL): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

export function failed(span: Span, e: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(e instanceof Error ? e : String(e));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : undefined });
}

/* Partner calls: the adapter method and the delivery attempt ride in the context, so the one
 * place that sends HTTP (adapters/shared/http.ts) can name its span without every adapter
 * passing them down. */

const OPERATION = createContextKey('prakerja.partner.operation');
const ATTEMPT = createContextKey('prakerja.partner.attempt');

export const partnerOperation = (): string => (context.active().getValue(OPERATION) as string | undefined) ?? 'call';
export const partnerAttempt = (): number => (context.active().getValue(ATTEMPT) as number | undefined) ?? 1;

/** Runs an outbox delivery's attempt `attempt` (1 for the first) so its partner calls say which it is. */
export function withAttempt<T>(attempt: number, fn: () => Promise<T>): Promise<T> {
  return context.with(context.active().setValue(ATTEMPT, attempt), fn);
}

/**
 * The adapter with each method run under its name as the partner operation (getVoucher,
 * redeemVoucher, lookupParticipant…). Methods that send nothing (verifyCallback) are harmless.
 */
export function tracedAdapter<A extends object>(adapter: A): A {
  const out = Object.create(Object.getPrototypeOf(adapter) as object | null) as A;
  for (const key of Object.keys(adapter) as (keyof A & string)[]) {
    const value = adapter[key];
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    out[key] = ((...args: unknown[]) => context.with(context.active().setValue(OPERATION, key), () => method.apply(adapter, args))) as A[typeof key];
  }
  return out;
}
