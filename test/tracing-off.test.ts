import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/app/context.js';
import { inRequestSpan } from '../src/app/request-span.js';
import { problemResponse } from '../src/lib/problem.js';
import { tracesExporterFrom } from '../src/lib/otel-settings.js';

/** No SDK registered in this file: what `npm start` does without OTEL_* variables. */
function app() {
  const a = new Hono<AppEnv>();
  a.use('*', (c, next) => inRequestSpan(c, () => next()));
  a.get('/problem', () => problemResponse({ type: '/problems/x', title: 'X', status: 409, code: 'x' }));
  return a;
}

describe('tracing off (the default)', () => {
  it('adds no traceId to a problem when no traceparent came in', async () => {
    const res = await app().request('/problem');
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ type: '/problems/x', title: 'X', status: 409, code: 'x' });
  });

  it('keeps a provider’s traceparent: its trace id is in the problem', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await app().request('/problem', { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'x', traceId });
  });

  it('ignores a malformed traceparent', async () => {
    const res = await app().request('/problem', { headers: { traceparent: '00-zz-not-a-trace' } });
    expect(await res.json()).not.toHaveProperty('traceId');
  });

  it('starts an exporter only when the OTEL_* variables ask for one', () => {
    expect(tracesExporterFrom({})).toBeUndefined();
    expect(tracesExporterFrom({ OTEL_SERVICE_NAME: 'gw' })).toBeUndefined();
    expect(tracesExporterFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('otlp');
    expect(tracesExporterFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe('otlp');
    expect(tracesExporterFrom({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(tracesExporterFrom({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' })).toBeUndefined();
    expect(tracesExporterFrom({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined();
  });
});
