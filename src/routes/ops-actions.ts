import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { acceptName } from '../services/ops/accept-name.js';
import { listDeadLetters, redriveDelivery, replayDeadLetters } from '../services/ops/deliveries.js';
import { Cursor, Filter, IdParam, Limit, NextCursor, opsMutation, opsOnce, opsProblems, opsRoute, Reason, ReasonBody } from './ops-common.js';
import { problemContent } from './schemas.js';

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

const DeliverySchema = z
  .object({
    id: z.number().int(),
    destination: z.string(),
    kind: z.string(),
    status: z.enum(['pending', 'delivered', 'dead']),
    enrollmentId: z.string().nullable(),
    platform: z.string().nullable(),
    voucherCode: z.string().nullable(),
    providerId: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    errors: z
      .array(z.object({ at: z.string(), attempt: z.number().int(), error: z.string(), httpStatus: z.number().int().optional(), retryable: z.boolean() }))
      .openapi({ description: 'Every failed attempt, oldest first, kept across replays.' }),
    createdAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('Delivery');

const EnrollmentIdParam = z.object({ id: z.string().uuid('must be a UUID').openapi({ param: { name: 'id', in: 'path' } }) });

const acceptNameRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/enrollments/{id}/accept-name',
  operationId: 'acceptName',
  summary: 'Accept a reviewed or mismatched name pair (audited); releases the reports it held back',
  description: 'The acceptance is recorded as a fact on the enrollment; the completion and certificate reports to prakerja.go.id that the name was holding become due and are enqueued in the same transaction. Open name_mismatch_pending findings for the enrollment are resolved with the same reason.',
  request: { params: EnrollmentIdParam, ...opsMutation, body: { required: true, content: { 'application/json': { schema: ReasonBody } } } },
  responses: {
    200: json(
      'Accepted',
      z
        .object({
          enrollmentId: z.string(),
          state: z.string(),
          nameCheck: z.object({ decision: z.enum(['match', 'review', 'mismatch']), score: z.number(), acceptedAt: z.string(), acceptedBy: z.string() }),
          enqueued: z.array(z.object({ id: z.number().int(), kind: z.string(), destination: z.string() })).openapi({ description: 'Deliveries the acceptance released.' }),
          resolvedDiscrepancies: z.array(z.number().int()),
        })
        .openapi('NameAcceptance'),
    ),
    ...opsProblems,
    404: problemContent('No such enrollment'),
    409: problemContent('The name matched, or was already accepted'),
  },
});

const redriveRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/deliveries/{id}/redrive',
  operationId: 'redriveDelivery',
  description: "Sends an outbound delivery again now, under its same idempotency key (audited).",
  summary: 'Re-drive one delivery now (a dead letter, or a pending one waiting for its next attempt); audited',
  request: { params: IdParam('Outbox delivery id'), ...opsMutation, body: { required: true, content: { 'application/json': { schema: ReasonBody } } } },
  responses: { 200: json('The delivery, due now', DeliverySchema), ...opsProblems, 404: problemContent('No such delivery'), 409: problemContent('Already delivered, or being attempted right now') },
});

const deadLettersRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/dead-letters',
  operationId: 'listDeadLetters',
  description: "Deliveries that gave up after their last attempt, with every attempt’s error; filter by destination and kind.",
  summary: 'Deliveries that gave up, with every attempt’s error, oldest first',
  request: { query: z.object({ destination: Filter.optional(), kind: Filter.optional(), cursor: Cursor, limit: Limit }) },
  responses: { 200: json('A page of dead letters', z.object({ items: z.array(DeliverySchema), nextCursor: NextCursor })), ...opsProblems },
});

const ReplayBody = z
  .object({
    ids: z.array(z.number().int().positive()).min(1).max(1000).optional().openapi({ description: 'Outbox ids to replay (dead ones; others are reported as skipped).' }),
    all: z.literal(true).optional().openapi({ description: 'Replay every dead letter (of `destination` if given).' }),
    destination: Filter.optional().openapi({ description: 'With `all`: only this destination’s dead letters.' }),
    reason: Reason,
  })
  .superRefine((b, ctx) => {
    if ((b.ids === undefined) === (b.all === undefined)) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or all: true' });
    if (b.destination !== undefined && !b.all) ctx.addIssue({ code: 'custom', path: ['destination'], message: 'only with all: true' });
  })
  .openapi('DeadLetterReplay');

const replayRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/dead-letters/replay',
  operationId: 'replayDeadLetters',
  description: "Replays chosen dead letters (or all of a destination) under their same idempotency keys (audited).",
  summary: 'Replay dead letters, chosen or all (audited): back to pending, due now, attempt history kept',
  request: { ...opsMutation, body: { required: true, content: { 'application/json': { schema: ReplayBody } } } },
  responses: {
    200: json(
      'What was replayed',
      z.object({ replayed: z.array(z.number().int()), skipped: z.array(z.object({ id: z.number().int(), reason: z.enum(['not_found', 'not_dead']) })) }).openapi('DeadLetterReplayResult'),
    ),
    ...opsProblems,
  },
});

export const opsActionRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(acceptNameRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return opsOnce(c, `POST /v1/ops/enrollments/${id}/accept-name`, body, 200, (operator) => acceptName(c.get('deps'), id, operator, body.reason));
  })
  .openapi(redriveRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return opsOnce(c, `POST /v1/ops/deliveries/${id}/redrive`, body, 200, (operator) => redriveDelivery(c.get('deps'), id, operator, body.reason));
  })
  .openapi(deadLettersRoute, async (c) => c.json(await listDeadLetters(c.get('deps'), c.req.valid('query')), 200))
  .openapi(replayRoute, async (c) => {
    const body = c.req.valid('json');
    return opsOnce(c, 'POST /v1/ops/dead-letters/replay', body, 200, (operator) => replayDeadLetters(c.get('deps'), body, operator));
  });
