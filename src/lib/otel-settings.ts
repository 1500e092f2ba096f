import { parseKeyPairsIntoRecord } from '@opentelemetry/core';

/**
 * What the standard OTEL_* variables ask of tracing, read the same way on Node (process.env) and
 * on Workers (the Worker's string bindings: there is no process environment to read them from).
 */
export type OtelEnv = Record<string, string | undefined>;

/** The OTEL_* variables among a Worker's bindings (the string ones: queues and Hyperdrive are bindings too). */
export function otelEnvOf(bindings: Record<string, unknown>): OtelEnv {
  return Object.fromEntries(Object.entries(bindings).filter((e): e is [string, string] => e[0].startsWith('OTEL_') && typeof e[1] === 'string'));
}

/** The service name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES says otherwise. */
export const DEFAULT_SERVICE_NAME = 'prakerja-gateway';

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

export interface OtlpTracesTarget {
  url: string;
  headers: Record<string, string>;
  timeoutMillis?: number;
}

const set = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/**
 * Where OTLP/HTTP trace exports go, as Node's exporter reads it from its environment:
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`,
 * else the specification's default (localhost:4318); the general headers and timeout, each
 * overridden by its TRACES_ variant.
 */
export function otlpTracesTarget(env: OtelEnv): OtlpTracesTarget {
  const specific = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const base = set(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? 'http://localhost:4318';
  const url = specific ?? `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
  const headers = { ...parseKeyPairsIntoRecord(set(env.OTEL_EXPORTER_OTLP_HEADERS)), ...parseKeyPairsIntoRecord(set(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS)) };
  const timeout = Number(set(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT) ?? set(env.OTEL_EXPORTER_OTLP_TIMEOUT));
  return { url: new URL(url).href, headers, timeoutMillis: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined };
}

/** The resource's attributes: ours, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME (the specification's order of precedence). */
export function resourceAttributesFrom(env: OtelEnv): Record<string, string> {
  const name = set(env.OTEL_SERVICE_NAME);
  return { 'service.name': DEFAULT_SERVICE_NAME, ...parseKeyPairsIntoRecord(set(env.OTEL_RESOURCE_ATTRIBUTES)), ...(name ? { 'service.name': name } : {}) };
}
