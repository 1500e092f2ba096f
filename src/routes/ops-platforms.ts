import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { listAudit } from '../services/ops/audit.js';
import { platformHealth } from '../services/ops/platform-health.js';
import { Cursor, Filter, Limit, NextCursor, opsProblems, opsRoute } from './ops-common.js';

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

const platformsRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/platforms',
  operationId: 'listPlatformHealth',
  summary: 'Each destination’s circuit, last hour’s error rate, last success, pending and dead deliveries',
  description: 'The circuit comes from this process’s dispatcher when it runs one (`source: dispatcher`), otherwise it is estimated from the outbox (`source: derived`).',
  responses: {
    200: json(
      'Destinations',
      z
        .object({
          asOf: z.string(),
          destinations: z.array(
            z.object({
              destination: z.string(),
              circuit: z.object({ state: z.enum(['closed', 'open', 'half_open']), source: z.enum(['dispatcher', 'derived']) }),
              lastHour: z.object({ successes: z.number().int(), failures: z.number().int(), errorRate: z.number().nullable().openapi({ description: 'failures / attempts; null without attempts.' }) }),
              lastSuccessAt: z.string().nullable(),
              lastFailure: z.object({ at: z.string(), error: z.string().nullable() }).nullable(),
              pending: z.number().int(),
              dead: z.number().int(),
            }),
          ),
        })
        .openapi('PlatformHealth'),
    ),
    ...opsProblems,
  },
});

const auditRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/audit',
  operationId: 'listAudit',
  description: "Every manual action with its operator, target, reason and time; filter by operator, action and target.",
  summary: 'The audit log of operator actions, newest first',
  request: { query: z.object({ operator: Filter.optional(), action: Filter.optional(), target: Filter.optional(), cursor: Cursor, limit: Limit }) },
  responses: {
    200: json(
      'A page of audit entries',
      z.object({
        items: z.array(
          z.object({ id: z.number().int(), operator: z.string(), action: z.string(), target: z.string(), reason: z.string(), detail: z.record(z.string(), z.unknown()), at: z.string() }).openapi('AuditEntry'),
        ),
        nextCursor: NextCursor,
      }),
    ),
    ...opsProblems,
  },
});

export const opsPlatformRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(platformsRoute, async (c) => c.json(await platformHealth(c.get('deps')), 200))
  .openapi(auditRoute, async (c) => c.json(await listAudit(c.get('deps'), c.req.valid('query')), 200));
