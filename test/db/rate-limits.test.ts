/**
 * Inbound rate limits: counted in the database, so two gateway instances on one database share
 * them; per provider and class, per operator, per source address on the callback door; a refusal
 * is a 429 problem with Retry-After and the draft's RateLimit headers, and does nothing.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/context.js';
import { createApp } from '../../src/app/create-app.js';
import type { Database } from '../../src/db/database.js';
import { webhookEndpoints } from '../../src/db/schema.js';
import { buildDeps } from '../../src/deps.js';
import type { RateLimitPolicies } from '../../src/domain/rate-limits.js';
import { createLogger } from '../../src/lib/logger.js';
import { openDatabase } from '../../src/node/database.js';
import { DEMO_PROVIDERS, SANDBOX_SECRETS } from '../../src/sandbox/demo-data.js';
import { sandboxKeys, sandboxPartnerSettings, seedCatalogue } from '../../src/sandbox/sandbox.js';
import { freshDatabase } from '../support/db.js';

const policy = (limit: number) => ({ limit, windowSeconds: 60 });
const POLICIES: RateLimitPolicies = { redemptions: policy(2), writes: policy(2), reads: policy(5), batch: policy(1), ops: policy(3), callbacks: policy(3) };
// The middle of a window, fixed: the test never straddles a window's end.
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let second: Database;
const instances: Array<{ app: ReturnType<typeof createApp>; deps: AppDeps }> = [];

beforeAll(async () => {
  fresh = await freshDatabase();
  await seedCatalogue(fresh.db);
  // A second instance has its own pool on the same database (PGlite is one process: the same handle).
  second = fresh.url ? await openDatabase({ url: fresh.url, dataDir: '' }) : fresh;
  const keys = await sandboxKeys();
  for (const database of [fresh, second]) {
    const deps = buildDeps({
      database,
      partners: sandboxPartnerSettings('http://partners.invalid', keys),
      prakerjaKeys: keys.prakerjaClients,
      authSecret: SANDBOX_SECRETS.auth,
      fetch: () => Promise.reject(new Error('no partner calls in this test')),
      logger: createLogger({ level: 'silent' }),
      now: () => NOW,
    });
    deps.rateLimits = { policies: POLICIES, sourceAddress: (c) => c.req.header('x-test-peer') };
    instances.push({ app: createApp(deps), deps });
  }
}, 120_000);

afterAll(async () => {
  if (second !== fresh) await second.close();
  await fresh.drop();
});

const token = (providerId: string) => instances[0].deps.tokens.issue({ kind: 'provider', providerId });
const read = async (i: number, providerId: string = DEMO_PROVIDERS[0].id) =>
  instances[i].app.request(`/v1/enrollments/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${await token(providerId)}` } });

async function expectRefused(res: Response, cls: string, field: string) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.headers.get('ratelimit-policy')).toBe(`"${cls}";q=${POLICIES[cls as keyof RateLimitPolicies].limit};w=60`);
  expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"${cls}";r=0;t=\\d+$`));
  const body = await res.json();
  expect(body).toMatchObject({ code: 'rate_limited', status: 429, limitClass: cls, errors: [{ field, rule: `rate_limit:${cls}` }] });
  expect(body.retryAfterSeconds).toBe(Number(res.headers.get('retry-after')));
}

describe('rate limits shared by two instances on one database', () => {
  it('a provider’s reads count across both instances: the sixth, on either, is a 429; another provider is untouched', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await read(i % 2);
      expect(res.status).toBe(404);
      expect(res.headers.get('ratelimit-policy')).toBe('"reads";q=5;w=60');
      remaining.push(res.headers.get('ratelimit')!.match(/r=(\d+)/)![1]);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    await expectRefused(await read(1), 'reads', 'header:Authorization');
    await expectRefused(await read(0), 'reads', 'header:Authorization');
    expect((await read(0, DEMO_PROVIDERS[1].id)).status).toBe(404);
  });

  it('classes count apart: reads used up leave writes, and a refused write writes nothing', async () => {
    const providerId = DEMO_PROVIDERS[1].id;
    const create = async (i: number) =>
      instances[i].app.request('/v1/webhook-endpoints', {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(providerId)}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ url: 'https://hooks.example.id/gateway' }),
      });
    const endpoints = async () => (await fresh.db.select({ n: count() }).from(webhookEndpoints))[0].n;
    expect((await create(0)).status).toBe(201);
    expect((await create(1)).status).toBe(201);
    const before = await endpoints();
    await expectRefused(await create(0), 'writes', 'header:Authorization');
    expect(await endpoints()).toBe(before);
  });

  it('operators are limited per operator', async () => {
    const ops = (operator: string) => instances[0].deps.tokens.issue({ kind: 'ops', operator });
    const audit = async (i: number, operator: string) => instances[i].app.request('/v1/ops/audit', { headers: { authorization: `Bearer ${await ops(operator)}` } });
    for (let i = 0; i < 3; i++) expect((await audit(i % 2, 'rina')).status).toBe(200);
    await expectRefused(await audit(1, 'rina'), 'ops', 'header:Authorization');
    expect((await audit(0, 'budi')).status).toBe(200);
  });

  it('callbacks are limited per source address before the body is looked at', async () => {
    const callback = (i: number, peer: string) =>
      instances[i].app.request('/v1/callbacks/tokopedia', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-peer': peer }, body: '{"unsigned":true}' });
    for (let i = 0; i < 3; i++) expect((await callback(i % 2, '203.0.113.7')).status).toBe(401);
    await expectRefused(await callback(0, '203.0.113.7'), 'callbacks', 'source_address');
    expect((await callback(1, '198.51.100.2')).status).toBe(401);
  });
});
