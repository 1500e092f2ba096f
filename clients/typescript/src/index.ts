import { hc } from 'hono/client';
import type { completionBatchRoutes } from '../../../src/routes/completions-batch.js';
import type { enrollmentRoutes } from '../../../src/routes/enrollments.js';
import type { redeemCodeRoutes } from '../../../src/routes/redeem-codes.js';
import type { redemptionRoutes } from '../../../src/routes/redemptions.js';
import type { taskRoutes } from '../../../src/routes/tasks.js';
import type { voucherRoutes } from '../../../src/routes/vouchers.js';

/**
 * A typed client for a provider's backend. The types are the gateway's own route definitions
 * (the same zod schemas that produce /openapi.json and validate requests), so a request the
 * client accepts is one the gateway accepts, and an answer has the shape the gateway declares.
 */
export interface ClientOptions {
  /** A provider token (`npm run token -- <providerId>` in the sandbox; issued by the operators outside it). */
  token: string;
  /** Another fetch (a test's in-process app, a proxy); the global fetch by default. */
  fetch?: typeof fetch;
}

export function createGatewayClient(baseUrl: string, opts: ClientOptions) {
  const init = { headers: { authorization: `Bearer ${opts.token}` }, fetch: opts.fetch };
  return {
    redemptions: hc<typeof redemptionRoutes>(baseUrl, init).v1.redemptions,
    enrollments: hc<typeof enrollmentRoutes>(baseUrl, init).v1.enrollments,
    completions: hc<typeof completionBatchRoutes>(baseUrl, init).v1.completions,
    vouchers: hc<typeof voucherRoutes>(baseUrl, init).v1.vouchers,
    redeemCodes: hc<typeof redeemCodeRoutes>(baseUrl, init).v1['redeem-codes'],
    tasks: hc<typeof taskRoutes>(baseUrl, init).v1.tasks,
  };
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;

/** A fresh Idempotency-Key: one per logical request, reused only to retry that same request. */
export const idempotencyKey = (): string => crypto.randomUUID();
