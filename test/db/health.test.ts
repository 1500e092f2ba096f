import { describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

const w = useWorld();

describe('public routes', () => {
  it('healthz and readyz answer without auth; readyz names the database', async () => {
    expect((await w.app.request('/healthz')).status).toBe(200);
    const ready = await w.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite' });
  });

  it('serves /openapi.json and the /docs page', async () => {
    const doc = await w.app.request('/openapi.json');
    expect((await doc.json()).paths['/v1/redemptions']).toBeDefined();
    const docs = await w.app.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('an unknown route is a problem, not an HTML page', async () => {
    const res = await w.app.request('/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('every answer carries a request id', async () => {
    const res = await w.app.request('/healthz');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
