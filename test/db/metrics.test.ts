import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';
import { createLogger } from '../../src/lib/logger.js';
import { assembleGateway } from '../../src/node/gateway.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { freshDatabase } from '../support/db.js';

describe('/metrics (Node process)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: Awaited<ReturnType<typeof assembleGateway>>['app'];

  beforeAll(async () => {
    db = await freshDatabase();
    const env = parseEnv({ DISPATCHER: 'false', LOG_LEVEL: 'silent', DATA_DIR: 'memory://' });
    ({ app } = await assembleGateway({ env, database: db, logger: createLogger({ level: 'silent' }), fetch: (i, init) => fetch(i, init), publicBase: 'http://127.0.0.1:1' }));
    await db.db.transaction((tx) => enqueue(tx, [{ destination: 'tokopedia', kind: 'platform.completion', providerId: 'prv-komputer-jaya', payload: {}, idempotencyKey: 'metrics-test-1' }]));
  });
  afterAll(() => db?.drop());

  it('exposes request latencies per route and outbox rows per destination and status, without auth', async () => {
    await app.request('/healthz');
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/gateway_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200",ok="true"\} 1/);
    expect(text).toContain('gateway_outbox_rows{destination="tokopedia",status="pending"} 1');
  });
});
