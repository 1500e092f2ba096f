import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../src/db/schema.js';
import { IDEMPOTENCY_KEEP_MS, purgeIdempotencyKeys } from '../../src/services/housekeeping.js';
import { freshDatabase } from '../support/db.js';

describe('idempotency key retention', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => (db = await freshDatabase()));
  afterAll(() => db?.drop());

  it('forgets finished answers older than the retention, keeps recent ones and any still in progress', async () => {
    const old = new Date(Date.now() - IDEMPOTENCY_KEEP_MS - 60_000);
    const row = (key: string, status: 'done' | 'in_progress', createdAt: Date) => ({ scope: 'prv', route: 'POST /v1/x', key, requestHash: 'h', status, responseStatus: 201, responseBody: '{}', createdAt });
    await db.db.insert(idempotencyKeys).values([row('old-done', 'done', old), row('old-running', 'in_progress', old), row('new-done', 'done', new Date())]);
    expect(await purgeIdempotencyKeys(db.db)).toBe(1);
    const left = (await db.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((r) => r.key).sort();
    expect(left).toEqual(['new-done', 'old-running']);
  });
});
