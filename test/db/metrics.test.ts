import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { createLogger } from '../../src/lib/logger.js';
import { assembleGateway } from '../../src/node/gateway.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { freshDatabase } from '../support/db.js';

describe('/metrics (Node process)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: Awaited<ReturnType<typeof assembleGateway>>['app'];
  let gateway: Awaited<ReturnType<typeof assembleGateway>>;

  beforeAll(async () => {
    db = await freshDatabase();
    const env = parseEnv({ DISPATCHER: 'false', LOG_LEVEL: 'silent', DATA_DIR: 'memory://' });
    gateway = await assembleGateway({ env, database: db, logger: createLogger({ level: 'silent' }), fetch: (i, init) => fetch(i, init), publicBase: 'http://127.0.0.1:1' });
    app = gateway.app;
    await db.db.transaction((tx) => enqueue(tx, [{ destination: 'prakerja', kind: 'prakerja.task.status', providerId: 'prv-komputer-jaya', payload: { redeemCode: 'RC-METRICS', scope: 'tpm', sequence: 1 }, idempotencyKey: 'metrics-test-1' }]));
  });
  afterAll(() => db?.drop());

  it('is closed to callers without an ops token (METRICS_AUTH=ops, the default)', async () => {
    for (const authorization of [undefined, `Bearer ${await gateway.deps.tokens.issue({ kind: 'provider', providerId: 'prv-komputer-jaya' })}`]) {
      const res = await app.request('/metrics', { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.text()).not.toContain('gateway_');
    }
  });

  it('exposes request latencies per route and outbox rows per destination and status to an ops token', async () => {
    await app.request('/healthz');
    const res = await app.request('/metrics', { headers: { authorization: `Bearer ${await gateway.deps.tokens.issue({ kind: 'ops', operator: 'prometheus' })}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/gateway_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200",ok="true"\} 1/);
    expect(text).toContain('gateway_outbox_rows{destination="prakerja",status="pending"} 1');
  });
});
