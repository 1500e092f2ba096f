import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { loadEnrollment } from '../db/enrollment-store.js';
import { problems } from '../lib/problem.js';
import { enrollmentView } from '../services/enrollment-view.js';
import { authProblems, bearerSecurity, EnrollmentSchema, problemContent } from './schemas.js';

const getEnrollment = createRoute({
  method: 'get',
  path: '/v1/enrollments/{id}',
  tags: ['Enrollments'],
  summary: 'An enrollment with its full timeline',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { params: z.object({ id: z.string().uuid('must be a UUID').openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'The enrollment', content: { 'application/json': { schema: EnrollmentSchema } } },
    400: problemContent('The id is not a UUID'),
    ...authProblems,
    404: problemContent('No such enrollment for this provider'),
  },
});

export const enrollmentRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(getEnrollment, async (c) => {
  const found = await loadEnrollment(c.var.deps.database.db, c.req.valid('param').id);
  // Another provider's enrollment is answered exactly like a missing one: its existence is not theirs to know.
  if (!found || found.enrollment.providerId !== providerId(c)) throw problems.notFound('Enrollment');
  return c.json(enrollmentView(found.enrollment, found.events), 200);
});
