import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { DEFAULT_SERVICE_NAME, tracesExporterFrom, type OtelEnv } from '../lib/otel-settings.js';

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
  const resource = resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME }).merge(detectResources({ detectors: [envDetector] }));
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
