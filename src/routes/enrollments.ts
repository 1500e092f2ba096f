import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppDeps, AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { loadEnrollment } from '../db/enrollment-store.js';
import { problems } from '../lib/problem.js';
import { reportCompletion, reportProgress } from '../services/completion.js';
import { enrollmentView } from '../services/enrollment-view.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, CertificateSchema, EnrollmentSchema, IdempotencyHeaders, problemContent } from './schemas.js';

const IdParam = z.object({ id: z.string().uuid('must be a UUID').openapi({ param: { name: 'id', in: 'path' } }) });
const IsoDateTime = z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' });

export const CompletionBody = z
  .object({
    outcome: z.enum(['passed', 'failed']),
    score: z.number().min(0).max(100),
    completedAt: IsoDateTime,
    certificate: CertificateSchema.optional().openapi({ description: 'Required when passed; the certificate reaches prakerja.go.id once the participant has rated and reviewed the training.' }),
  })
  .openapi('CompletionRequest');

const ProgressBody = z
  .object({
    sequence: z
      .number()
      .int()
      .refine((n) => (n >= 1 && n <= 10) || n === 999, 'must be a session number 1–10, or 999'),
    attendedAt: IsoDateTime,
  })
  .openapi('ProgressRequest');

const enrollmentAnswer = { description: 'The enrollment', content: { 'application/json': { schema: EnrollmentSchema } } };

const getEnrollment = createRoute({
  method: 'get',
  path: '/v1/enrollments/{id}',
  operationId: 'getEnrollment',
  description: "The enrollment as the gateway knows it: state, name check, completion, review, Sisnaker and prakerja.go.id status, what still holds the certificate, every outbound delivery with its attempts, and the timeline of every fact with its source. Another provider’s enrollment is a 404.",
  tags: ['Enrollments'],
  summary: 'An enrollment with its full timeline and the state of every delivery',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { params: IdParam },
  responses: { 200: enrollmentAnswer, 400: problemContent('The id is not a UUID'), ...authProblems, 404: problemContent('No such enrollment for this provider') },
});

const postCompletion = createRoute({
  method: 'post',
  path: '/v1/enrollments/{id}/completion',
  operationId: 'reportCompletion',
  tags: ['Enrollments'],
  summary: 'Report the training’s outcome and certificate',
  description: 'Applied once: the identical report again changes nothing, a different one is a 409. The platform and prakerja.go.id are told through the outbox.',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { params: IdParam, headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: CompletionBody } } } },
  responses: {
    200: enrollmentAnswer,
    400: problemContent('Invalid request'),
    ...authProblems,
    404: problemContent('No such enrollment for this provider'),
    409: problemContent('A different completion was already reported'),
    422: problemContent('Certificate missing for a pass or present for a fail; completion before redemption or in the future'),
  },
});

const postProgress = createRoute({
  method: 'post',
  path: '/v1/enrollments/{id}/progress',
  operationId: 'reportProgress',
  description: "Records an attended session (1–10, or 999). The identical report again changes nothing; the same session with another time is a 409; a session dated before the redemption is a 422.",
  tags: ['Enrollments'],
  summary: 'Report an attended session',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { params: IdParam, headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: ProgressBody } } } },
  responses: {
    200: enrollmentAnswer,
    400: problemContent('Invalid request'),
    ...authProblems,
    404: problemContent('No such enrollment for this provider'),
    409: problemContent('Training already finished (`training_finished`), or this session was already reported with another attendedAt (`progress_conflict`)'),
    422: problemContent('Session dated before the redemption (`attended_before_redemption`)'),
  },
});

async function viewOwned(deps: AppDeps, provider: string, id: string) {
  const found = await loadEnrollment(deps.database.db, id);
  // Another provider's enrollment is answered exactly like a missing one: its existence is not theirs to know.
  if (!found || found.enrollment.providerId !== provider) throw problems.notFound('Enrollment');
  return enrollmentView(found.enrollment, found.events, found.deliveries);
}

export const enrollmentRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(getEnrollment, async (c) => c.json(await viewOwned(c.get('deps'), providerId(c), c.req.valid('param').id), 200))
  .openapi(postCompletion, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return idempotently(c, body, 200, async () => {
      await reportCompletion(c.get('deps'), providerId(c), id, body);
      return viewOwned(c.get('deps'), providerId(c), id);
    });
  })
  .openapi(postProgress, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return idempotently(c, body, 200, async () => {
      await reportProgress(c.get('deps'), providerId(c), id, body);
      return viewOwned(c.get('deps'), providerId(c), id);
    });
  });
