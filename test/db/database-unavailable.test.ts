import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { buildDeps } from '../../src/deps.js';
import { createLogger } from '../../src/lib/logger.js';
import { SANDBOX_SECRETS } from '../../src/sandbox/demo-data.js';
import { sandboxKeys, sandboxPartnerSettings, seedCatalogue } from '../../src/sandbox/sandbox.js';
import { freshDatabase } from '../support/db.js';

describe('the database out of reach', () => {
  it('is a 503 database_unavailable with Retry-After, not a 500', async () => {
    const database = await freshDatabase();
    await seedCatalogue(database.db);
    const keys = await sandboxKeys();
    const deps = buildDeps({
      database,
      partners: sandboxPartnerSettings('http://partners.invalid', keys),
      prakerjaKeys: keys.prakerjaClients,
      authSecret: SANDBOX_SECRETS.auth,
      fetch: () => Promise.reject(new Error('no network in this test')),
      logger: createLogger({ level: 'silent' }),
    });
    const app = createApp(deps);
    const token = await deps.tokens.issue({ kind: 'provider', providerId: 'prv-komputer-jaya' });
    const read = () => app.request(`/v1/enrollments/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await read()).status).toBe(404);

    await database.close();
    deps.forgetProvider('prv-komputer-jaya');
    const res = await read();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'database_unavailable', status: 503 });
    await database.drop().catch(() => {});
  }, 120_000);
});
