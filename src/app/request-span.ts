import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { PROBLEM_CONTENT_TYPE } from '../lib/problem.js';
import { incomingContext, tracer, traceIdOf } from '../lib/tracing.js';
import type { AppEnv } from './context.js';

/**
 * Runs a request inside its server span, a child of the caller's `traceparent` when one came in.
 * `handle` gets the trace id to bind to the request's logger when no recording span carries it
 * there (tracing off, a traceparent in: the id is the caller's, kept so both sides can find the
 * request). Problem answers get it as `traceId`.
 */
export async function inRequestSpan(c: Context<AppEnv>, handle: (bindTraceId: string | undefined) => Promise<void>): Promise<void> {
  const parent = incomingContext(c.req.raw.headers);
  const span = tracer.startSpan(`${c.req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method } }, parent);
  const traceId = traceIdOf(span);
  try {
    await context.with(trace.setSpan(parent, span), () => handle(span.isRecording() ? undefined : traceId));
    if (traceId && c.res.headers.get('content-type')?.startsWith(PROBLEM_CONTENT_TYPE)) await withTraceId(c, traceId);
    if (span.isRecording()) {
      // The template, never the path itself: paths carry voucher codes and card numbers.
      const route = routePath(c, -1);
      span.updateName(`${c.req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status });
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
  } finally {
    span.end();
  }
}

/** The problem as answered, with the trace's id added, so a provider can quote it to operators. */
async function withTraceId(c: Context<AppEnv>, traceId: string): Promise<void> {
  const res = c.res;
  let problem: unknown;
  try {
    problem = await res.clone().json();
  } catch {
    return;
  }
  if (!problem || typeof problem !== 'object' || Array.isArray(problem)) return;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  // Unset first: Hono's setter would otherwise carry the old answer's headers over, length included.
  c.res = undefined;
  c.res = new Response(JSON.stringify({ ...problem, traceId }), { status: res.status, headers });
}
