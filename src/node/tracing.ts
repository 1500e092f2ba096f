import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';

type OtelEnv = Record<string, string | undefined>;

/**
 * Which exporter the standard variables ask for, or none. Off unless asked: OTEL_TRACES_EXPORTER
 * `otlp` or `console`, or an OTLP endpoint set (then otlp); OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none turn it off whatever else is set. (The specification's default
 * exporter is otlp; ours is none, so a gateway without a collector never tries to send.)
 */
export function tracesExporterFrom(env: OtelEnv): 'otlp' | 'console' | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const named = env.OTEL_TRACES_EXPORTER?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) ?? [];
  if (named.includes('none')) return undefined;
  if (named.includes('otlp')) return 'otlp';
  if (named.includes('console')) return 'console';
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : undefined;
}

export interface Tracing {
  /** Sends what is still buffered and stops; call last at shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when the OTEL_* variables ask for it, and registers it with the
 * API that src/lib/tracing.ts and everything else uses. Undefined (nothing registered, the
 * API's no-op tracer stays) otherwise. `processors` replaces the exporter (tests: in memory).
 */
export function startTracing(env: OtelEnv, opts: { processors?: SpanProcessor[] } = {}): Tracing | undefined {
  const exporter = opts.processors ? undefined : tracesExporterFrom(env);
  if (!exporter && !opts.processors) return undefined;
  // The OTLP exporter reads its endpoint, headers, protocol and timeout from the OTEL_EXPORTER_OTLP_* variables itself.
  const processors = opts.processors ?? [new BatchSpanProcessor({ exporter: exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter() })];
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over our default name.
  const resource = resourceFromAttributes({ 'service.name': 'prakerja-gateway' }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({ resource, spanProcessors: processors });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
