import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), database: z.string().optional() }).openapi('Health');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getLiveness',
  description: "Answers 200 while the process runs; no database is touched. For liveness probes.",
  tags: ['Health'],
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Health } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  description: "Answers 200 when the database answers a round trip, 503 otherwise. For readiness probes and load balancers.",
  tags: ['Health'],
  summary: 'Readiness: the database answers',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Health } } },
    503: { description: 'Database unreachable', content: { 'application/json': { schema: Health } } },
  },
});

export const healthRoutes = new OpenAPIHono<AppEnv>()
  .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
  .openapi(readyz, async (c) => {
    const db = c.get('deps').database;
    try {
      await db.ping();
      return c.json({ status: 'ok' as const, database: db.kind }, 200);
    } catch {
      return c.json({ status: 'unavailable' as const, database: db.kind }, 503);
    }
  });
