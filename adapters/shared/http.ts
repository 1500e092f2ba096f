import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { injectTraceContext, inSpan, partnerAttempt, partnerOperation } from '../../src/lib/tracing.js';
import { AdapterError, type AdapterContext, type AdapterErrorKind, type HeaderReader, type TransportResponse, type WireRequest } from '../types.js';

/** A request as the adapters build it: lower-case header names, the body as the exact string signed. */
export function wireRequest(url: string | URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): WireRequest {
  return { url: String(url), method: init.method ?? 'GET', headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) };
}

export interface WireResponse {
  status: number;
  headers: HeaderReader;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

/**
 * Sends one request and reads the whole answer. Network failures and timeouts become canonical
 * adapter errors here so that every adapter treats them alike; HTTP error statuses are left to
 * the adapter, which alone knows its platform's error bodies.
 */
export async function send(ctx: AdapterContext, platform: string, req: WireRequest): Promise<WireResponse> {
  const operation = partnerOperation();
  // One client span per HTTP call, its wait for the outbound cap included; the partner gets its
  // traceparent (added after signing: no partner's scheme signs it, and the simulators ignore it).
  return inSpan(`${platform} ${operation}`, {}, async (span) => {
    const recording = span.isRecording();
    if (recording) {
      span.setAttributes({ 'partner.platform': platform, 'partner.operation': operation, 'partner.attempt': partnerAttempt(), 'http.request.method': req.method, 'server.address': new URL(req.url).host });
    }
    injectTraceContext(req.headers);
    const res = ctx.gate ? await gated(ctx, ctx.gate, platform, req) : await sendNow(ctx, platform, req);
    if (recording) {
      span.setAttribute('http.response.status_code', res.status);
      if (res.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
    }
    return res;
  }, SpanKind.CLIENT);
}

async function gated(ctx: AdapterContext, gate: NonNullable<AdapterContext['gate']>, platform: string, req: WireRequest): Promise<WireResponse> {
  const res = await gate.run(platform, () => sendNow(ctx, platform, req));
  // The partner's own limit: hold every call to it until it said to come back.
  if (res.status === 429) gate.pause(platform, retryAfterMs(res.headers) ?? 1000);
  return res;
}

async function sendNow(ctx: AdapterContext, platform: string, req: WireRequest): Promise<WireResponse> {
  let res: TransportResponse;
  try {
    res = ctx.transport ? await ctx.transport(req, ctx.timeoutMs) : await viaFetch(ctx, req);
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      throw new AdapterError('timeout', platform, `${platform} did not answer within ${ctx.timeoutMs} ms`, { retryable: true });
    }
    throw new AdapterError('platform_unavailable', platform, `${platform} unreachable: ${err.message}`, { retryable: true });
  }
  let json: unknown;
  if (res.text) {
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text: res.text, json };
}

/** The web Request of a wire request, for fetch. */
export function toRequest(req: WireRequest): Request {
  return new Request(req.url, { method: req.method, headers: req.headers, body: req.body });
}

/** Where the runtime has no transport of its own (Workers, tests through msw): a web Request through fetch. */
async function viaFetch(ctx: AdapterContext, req: WireRequest): Promise<TransportResponse> {
  const res = await ctx.fetch(toRequest(req), { signal: AbortSignal.timeout(ctx.timeoutMs) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Retry-After in ms (seconds or HTTP date), if the partner sent one. */
export function retryAfterMs(headers: HeaderReader, now = Date.now()): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Statuses that say nothing about the request itself: the platform is having trouble. */
export function transportError(platform: string, res: WireResponse): AdapterError | undefined {
  if (res.status === 429) {
    return new AdapterError('rate_limited', platform, `${platform} rate-limited the request`, {
      httpStatus: 429,
      retryable: true,
      retryAfterMs: retryAfterMs(res.headers),
    });
  }
  if (res.status === 408 || res.status >= 500) {
    return new AdapterError('platform_unavailable', platform, `${platform} answered HTTP ${res.status}`, {
      httpStatus: res.status,
      retryable: true,
      retryAfterMs: retryAfterMs(res.headers),
    });
  }
  return undefined;
}

/**
 * Turns a platform error code into a canonical AdapterError through the adapter's error table;
 * a code missing from the table is an unexpected response, never silently a success.
 */
export function errorFromTable(
  platform: string,
  table: Record<string, { kind: AdapterErrorKind; retry: boolean }>,
  res: WireResponse,
  code: string | undefined,
  message: string | undefined,
): AdapterError {
  const row = code !== undefined ? table[code] : undefined;
  if (!row) {
    return new AdapterError('unexpected_response', platform, `${platform} answered HTTP ${res.status}${code ? ` with unmapped code ${code}` : ''}: ${message ?? res.text.slice(0, 200)}`, {
      httpStatus: res.status,
      platformCode: code,
      retryable: false,
    });
  }
  return new AdapterError(row.kind, platform, message ?? code!, { httpStatus: res.status, platformCode: code, retryable: row.retry });
}

/**
 * An adapter's `failure(res)`: trouble on the platform's side (429, 408, 5xx) first, whatever the
 * body says; otherwise the code `readError` finds in the platform's error body, looked up in the
 * adapter's error table.
 */
export function tableFailure(
  platform: string,
  table: Record<string, { kind: AdapterErrorKind; retry: boolean }>,
  readError: (res: WireResponse) => { code?: string; message?: string },
): (res: WireResponse) => AdapterError {
  return (res) => {
    const transport = transportError(platform, res);
    if (transport) return transport;
    const { code, message } = readError(res);
    return errorFromTable(platform, table, res, code, message);
  };
}

/** Parses a success body with the adapter's wire schema; a body that does not fit is the platform's fault, not ours. */
export function parseWire<T>(platform: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, res: WireResponse): T {
  const r = schema.safeParse(res.json);
  if (!r.success) {
    throw new AdapterError('unexpected_response', platform, `${platform} sent a body that does not match its contract: ${r.error.message.slice(0, 300)}`, {
      httpStatus: res.status,
      retryable: false,
    });
  }
  return r.data;
}
