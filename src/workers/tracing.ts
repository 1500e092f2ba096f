import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ConsoleSpanExporter, TracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { otlpTracesTarget, resourceAttributesFrom, tracesExporterFrom, type OtelEnv } from '../lib/otel-settings.js';

/** An isolate's tracing, when the OTEL_* variables ask for it. */
export interface WorkerTracing {
  /** Exports every span ended so far; resolves (never rejects) with the error when the export failed. */
  flush(): Promise<Error | undefined>;
}

/** Spans one isolate keeps between flushes at most: every invocation flushes, so only a stuck export reaches it. */
const MAX_BUFFERED_SPANS = 2048;

/**
 * Exports one isolate has in flight at most; past it a flush leaves its spans to the next one.
 * Below the exporter's own limit (30), past which it would drop the batch with an error.
 */
const MAX_EXPORTS_IN_FLIGHT = 16;

/**
 * Ended spans kept until the invocation flushes them, in one export per flush. Not the SDK's
 * BatchSpanProcessor: its timer and its forceFlush (which waits on every export in flight) would
 * tie one invocation to I/O another invocation started, which workerd does not allow; here each
 * flush sends, and waits on, only what it took.
 */
export class InvocationSpanProcessor implements SpanProcessor {
  private ended: ReadableSpan[] = [];
  private inFlight = 0;

  constructor(private readonly exporter: SpanExporter) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.ended.length < MAX_BUFFERED_SPANS) this.ended.push(span);
  }

  flush(): Promise<Error | undefined> {
    const spans = this.ended;
    if (spans.length === 0 || this.inFlight >= MAX_EXPORTS_IN_FLIGHT) return Promise.resolve(undefined);
    this.ended = [];
    this.inFlight++;
    return new Promise<Error | undefined>((resolve) => {
      try {
        this.exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS ? undefined : (r.error ?? new Error('trace export failed'))));
      } catch (e) {
        resolve(e instanceof Error ? e : new Error(String(e)));
      }
    }).finally(() => this.inFlight--);
  }

  async forceFlush(): Promise<void> {
    const error = await this.flush();
    if (error) throw error;
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}

let registered: { tracing: WorkerTracing | undefined } | undefined;

/**
 * The isolate's tracing, registered with the OpenTelemetry API on the first call (the first
 * invocation: a Worker's variables arrive with its invocations, not at start-up) and kept for the
 * isolate's life. Undefined when the variables do not ask for it: nothing is registered and the
 * API's no-op tracer stays, as on Node. Spans go out as OTLP/HTTP JSON through `fetch` (the
 * exporter's fetch transport), or to the console. The SDK's modules are imported statically:
 * imported on demand, the bundler could not leave out the parts of them never used (70 kB more).
 */
export function workerTracing(env: OtelEnv, onError: (err: unknown) => void): WorkerTracing | undefined {
  if (!registered) {
    try {
      registered = { tracing: register(env) };
    } catch (err) {
      // A setting that cannot work (an endpoint that is no URL) leaves tracing off for the isolate, said once, and the gateway serving.
      registered = { tracing: undefined };
      onError(err);
    }
  }
  return registered.tracing;
}

function register(env: OtelEnv): WorkerTracing | undefined {
  const kind = tracesExporterFrom(env);
  if (!kind) return undefined;
  // The exporter's browser build (the one workerd resolves) reads no variables: its target is given here.
  const exporter = kind === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter(otlpTracesTarget(env));
  const processor = new InvocationSpanProcessor(exporter);
  const provider = new TracerProvider({ resource: resourceFromAttributes(resourceAttributesFrom(env)), spanProcessors: [processor] });
  // Workers have AsyncLocalStorage (nodejs_compat): the active span follows awaits as on Node.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return { flush: () => processor.flush() };
}
