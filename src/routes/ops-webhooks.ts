import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { endpointHealth } from '../services/webhook-endpoints.js';
import { opsProblems, opsRoute } from './ops-common.js';

const healthRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/webhook-endpoints',
  operationId: 'opsListWebhookEndpoints',
  summary: 'Every provider’s webhook endpoints and their health: status, circuit, last hour’s error rate, failing since, last success, pending and dead deliveries',
  description: 'The sibling of /v1/ops/platforms for providers’ endpoints. Dead webhook deliveries are replayed like any other (POST /v1/ops/dead-letters/replay, destination `webhook:<id>`); endpoints disabled by the gateway have an `endpoint.disabled` entry in /v1/ops/audit.',
  responses: {
    200: {
      description: 'Endpoints',
      content: {
        'application/json': {
          schema: z
            .object({
              asOf: z.string(),
              endpoints: z.array(
                z.object({
                  id: z.string(),
                  providerId: z.string(),
                  url: z.string(),
                  status: z.enum(['active', 'disabled']),
                  disabledReason: z.string().nullable(),
                  circuit: z.object({ state: z.enum(['closed', 'open', 'half_open']), source: z.enum(['dispatcher', 'derived']) }),
                  lastHour: z.object({ successes: z.number().int(), failures: z.number().int(), errorRate: z.number().nullable().openapi({ description: 'failures / attempts; null without attempts.' }) }),
                  failingSince: z.string().nullable().openapi({ description: 'Start of the current run of failures; five days of it disables the endpoint.' }),
                  lastSuccessAt: z.string().nullable(),
                  lastFailure: z.object({ at: z.string(), error: z.string().nullable() }).nullable(),
                  pending: z.number().int(),
                  dead: z.number().int(),
                }),
              ),
            })
            .openapi('WebhookEndpointHealth'),
        },
      },
    },
    ...opsProblems,
  },
});

export const opsWebhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(healthRoute, async (c) => c.json(await endpointHealth(c.get('deps')), 200));
