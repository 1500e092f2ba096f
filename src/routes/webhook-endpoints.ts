import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { EVENT_DESCRIPTIONS, EVENT_SCHEMAS, PROVIDER_EVENT_TYPES, ProviderEventSchema, type ProviderEventType } from '../webhooks/events.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  listEvents,
  replayDelivery,
  rotateSecret,
  sendTestPing,
  updateEndpoint,
} from '../services/webhook-endpoints.js';
import type { Context } from 'hono';
import { ProblemError } from '../lib/problem.js';
import { once } from '../services/idempotency.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, IdempotencyHeaders, IntParam, problemContent, Text, Url } from './schemas.js';

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const providerOnly = requireCaller('provider');
const common = { tags: ['Webhooks and events'], security: bearerSecurity, middleware: [providerOnly] as [typeof providerOnly] };
const notYours = problemContent('No such endpoint for this provider');

const EventType = z.enum(PROVIDER_EVENT_TYPES as [ProviderEventType, ...ProviderEventType[]]).openapi('EventType');
const EndpointId = z.string().regex(/^ep_[0-9a-f]{32}$/, 'must be an endpoint id (ep_…)');
const IdParam = z.object({ id: EndpointId.openapi({ param: { name: 'id', in: 'path' } }) });

const Endpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(EventType).openapi({ description: 'Types delivered here; empty: every type.' }),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().nullable().openapi({ description: 'Why it was disabled: by you, 410 Gone, or five days of failures.' }),
    rotation: z.object({ previousSecretValidUntil: z.string() }).nullable().openapi({ description: 'During a rotation’s overlap: until when the previous secret still signs.' }),
    failingSince: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WebhookEndpoint');
const WithSecret = Endpoint.extend({
  secret: z.string().openapi({ description: 'The signing secret, `whsec_<base64>`. Shown only in this answer: store it now.', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).openapi('WebhookEndpointWithSecret');

const EndpointBody = z
  .object({
    url: Url.openapi({ description: 'https; plain http only to 127.0.0.1 / localhost, and only in the sandbox.', example: 'https://lpk.example/hooks/prakerja' }),
    description: Text(500).optional(),
    eventTypes: z.array(EventType).max(PROVIDER_EVENT_TYPES.length).optional().openapi({ description: 'Only these types; omitted or empty: every type.' }),
  })
  .openapi('WebhookEndpointCreate');
const PatchBody = z
  .object({
    url: Url.optional(),
    description: Text(500).nullable().optional(),
    eventTypes: z.array(EventType).max(PROVIDER_EVENT_TYPES.length).optional(),
    status: z.enum(['active', 'disabled']).optional().openapi({ description: '`active` re-enables a disabled endpoint; `disabled` stops deliveries to it.' }),
  })
  .openapi('WebhookEndpointUpdate');
const RotateBody = z
  .object({ overlapSeconds: z.number().int().min(0).max(7 * 86_400).optional().openapi({ description: 'How long the old secret keeps signing next to the new one; default 86400 (24 h).' }) })
  .openapi('WebhookSecretRotation');

const Delivery = z
  .object({
    id: z.number().int(),
    eventId: z.string().openapi({ description: 'The `webhook-id` of every attempt.' }),
    eventType: EventType,
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    errors: z.array(z.object({ at: z.string(), attempt: z.number().int(), httpStatus: z.number().int().nullable(), error: z.string().openapi({ description: 'What went wrong, with an excerpt of the endpoint’s answer.' }) })),
    lastResponse: z.string().nullable().openapi({ description: 'The successful answer’s status and an excerpt of its body.' }),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');

/**
 * Creation and rotation answer with the signing secret, once: the stored idempotent answer keeps
 * everything but the secret, so no secret lands in the database in clear, and a replay of the
 * same Idempotency-Key is a 409 instead of the secret again.
 */
async function secretShownOnce<T extends { secret: string }>(c: Context<AppEnv>, body: unknown, status: number, work: () => Promise<T>): Promise<T> {
  const deps = c.get('deps');
  let fresh: T | undefined;
  await once(deps.database.db, { scope: providerId(c), route: `${c.req.method} ${c.req.path}`, key: c.req.header('idempotency-key')!, body, waitMs: deps.config.idempotencyWaitMs }, async () => {
    fresh = await work();
    const { secret: _shownOnce, ...kept } = fresh;
    return { status, body: kept };
  });
  if (!fresh) {
    throw new ProblemError(409, 'secret_shown_once', 'This request already answered with a signing secret', {
      detail: 'A signing secret is shown once, in the first answer. If it was lost, rotate the secret with a new Idempotency-Key.',
    });
  }
  return fresh;
}

const createRouteDef = createRoute({
  ...common,
  method: 'post',
  path: '/v1/webhook-endpoints',
  operationId: 'createWebhookEndpoint',
  summary: 'Add a webhook endpoint; its signing secret is in this answer only',
  description: 'Events are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); verify them with any Standard Webhooks library and the secret.',
  request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: EndpointBody } } } },
  responses: {
    201: json('The endpoint, with its secret', WithSecret),
    400: problemContent('Invalid request; errors[] names each field'),
    ...authProblems,
    409: problemContent('This Idempotency-Key already created the endpoint (its secret is shown once)'),
  },
});
const listRoute = createRoute({ ...common, method: 'get', path: '/v1/webhook-endpoints', operationId: 'listWebhookEndpoints', description: "Your webhook endpoints with their event-type filters and status; secrets are never shown again after creation.", summary: 'Your webhook endpoints', responses: { 200: json('Endpoints', z.object({ items: z.array(Endpoint) })), ...authProblems } });
const getRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'getWebhookEndpoint', description: "One of your webhook endpoints; another provider’s is a 404.",
  summary: 'A webhook endpoint (never its secret)',
  request: { params: IdParam },
  responses: { 200: json('The endpoint', Endpoint), 400: problemContent('Invalid id'), ...authProblems, 404: notYours },
});
const patchRoute = createRoute({
  ...common,
  method: 'patch',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'updateWebhookEndpoint', description: "Changes an endpoint’s URL, description or event-type filter, or re-enables it (`status: active`).",
  summary: 'Change an endpoint’s URL, description or event types; disable or re-enable it',
  request: { params: IdParam, headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: PatchBody } } } },
  responses: { 200: json('The endpoint', Endpoint), 400: problemContent('Invalid request'), ...authProblems, 404: notYours },
});
const disableRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/disable',
  operationId: 'disableWebhookEndpoint', description: "Stops deliveries to the endpoint; events keep arriving in the feed (`GET /v1/events`).",
  summary: 'Stop deliveries to an endpoint (PATCH `status: active` re-enables it)',
  request: { params: IdParam, headers: IdempotencyHeaders },
  responses: { 200: json('The endpoint', Endpoint), 400: problemContent('Invalid request'), ...authProblems, 404: notYours },
});
const deleteRoute = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'deleteWebhookEndpoint', description: "Deletes the endpoint; its pending deliveries are dropped.",
  summary: 'Delete an endpoint; its queued deliveries end as dead letters',
  request: { params: IdParam, headers: IdempotencyHeaders },
  responses: { 200: json('Deleted', z.object({ id: z.string(), deleted: z.literal(true) })), 400: problemContent('Invalid request'), ...authProblems, 404: notYours },
});
const rotateRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  summary: 'A new signing secret; the old one keeps signing beside it for the overlap (24 h by default)',
  description: 'During the overlap each delivery carries two signatures in `webhook-signature` (space-separated), so a receiver with either secret verifies it.',
  request: { params: IdParam, headers: IdempotencyHeaders, body: { required: false, content: { 'application/json': { schema: RotateBody } } } },
  responses: { 200: json('The endpoint, with its new secret', WithSecret), 400: problemContent('Invalid request'), ...authProblems, 404: notYours, 409: problemContent('This Idempotency-Key already rotated the secret (shown once)') },
});
const testRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/test',
  operationId: 'testWebhookEndpoint', description: "Sends a signed `ping` event to the endpoint now, delivered like any other event.",
  summary: 'Send a `ping` event to the endpoint (through the outbox, like every delivery)',
  request: { params: IdParam, headers: IdempotencyHeaders },
  responses: { 202: json('Queued', z.object({ eventId: z.string(), deliveryId: z.number().int() })), 400: problemContent('Invalid request'), ...authProblems, 404: notYours, 409: problemContent('The endpoint is disabled') },
});
const deliveriesRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/webhook-endpoints/{id}/deliveries',
  operationId: 'listWebhookDeliveries', description: "Deliveries to the endpoint with every attempt: status code, an excerpt of the answer, the next attempt.",
  summary: 'Deliveries to an endpoint, newest first: attempts, status codes, answer excerpts, next attempt',
  request: {
    params: IdParam,
    query: z.object({
      status: z.enum(['pending', 'delivered', 'dead']).optional(),
      cursor: Text(200).optional().openapi({ description: 'The previous page’s nextCursor.' }),
      limit: IntParam(1, 500).default(50),
    }),
  },
  responses: { 200: json('A page of deliveries', z.object({ items: z.array(Delivery), nextCursor: z.string().nullable() })), 400: problemContent('Invalid request'), ...authProblems, 404: notYours },
});
const replayRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay',
  operationId: 'replayWebhookDelivery', description: "Sends a delivery again with the same `webhook-id`, so a receiver that deduplicates applies it once.",
  summary: 'Send a delivery again now, with the same webhook-id',
  request: { params: IdParam.extend({ deliveryId: IntParam(1, Number.MAX_SAFE_INTEGER).openapi({ param: { name: 'deliveryId', in: 'path' } }) }), headers: IdempotencyHeaders },
  responses: {
    202: json('Queued again', Delivery),
    400: problemContent('Invalid request'),
    ...authProblems,
    404: problemContent('No such endpoint or delivery for this provider'),
    409: problemContent('The endpoint is disabled, or the delivery is being attempted right now'),
  },
});
const eventsRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/events',
  operationId: 'listEvents',
  summary: 'The event feed, oldest first: the same events and ids as the webhooks, kept 30 days',
  description:
    'For backends that cannot receive webhooks. Start without `after`, then pass back `nextCursor` as `after` (also after an empty page). Events appear a moment (about 2 s) after their fact, so that none is skipped; deduplicate on `id`, order an enrollment’s events by `sequence`.',
  request: {
    query: z.object({
      after: Text(200).optional().openapi({ description: 'The previous page’s nextCursor.' }),
      limit: IntParam(1, 500).default(100),
      type: EventType.optional(),
    }),
  },
  responses: {
    200: json('A page of events', z.object({ items: z.array(ProviderEventSchema), nextCursor: z.string(), hasMore: z.boolean() }).openapi('EventPage')),
    400: problemContent('Invalid request'),
    ...authProblems,
  },
});

export const webhookEndpointRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(createRouteDef, async (c) => {
    const body = c.req.valid('json');
    return c.json(await secretShownOnce(c, body, 201, () => createEndpoint(c.get('deps'), providerId(c), body)), 201);
  })
  .openapi(listRoute, async (c) => c.json(await listEndpoints(c.get('deps'), providerId(c)), 200))
  .openapi(getRoute, async (c) => c.json(await getEndpoint(c.get('deps'), providerId(c), c.req.valid('param').id), 200))
  .openapi(patchRoute, async (c) => {
    const body = c.req.valid('json');
    return idempotently(c, body, 200, () => updateEndpoint(c.get('deps'), providerId(c), c.req.valid('param').id, body));
  })
  .openapi(disableRoute, async (c) => idempotently(c, {}, 200, () => updateEndpoint(c.get('deps'), providerId(c), c.req.valid('param').id, { status: 'disabled' })))
  .openapi(deleteRoute, async (c) => idempotently(c, {}, 200, () => deleteEndpoint(c.get('deps'), providerId(c), c.req.valid('param').id)))
  .openapi(rotateRoute, async (c) => {
    const body = (c.req.header('content-type') ? c.req.valid('json') : undefined) ?? {};
    const overlapMs = body.overlapSeconds === undefined ? undefined : body.overlapSeconds * 1000;
    return c.json(await secretShownOnce(c, body, 200, () => rotateSecret(c.get('deps'), providerId(c), c.req.valid('param').id, overlapMs)), 200);
  })
  .openapi(testRoute, async (c) => idempotently(c, {}, 202, () => sendTestPing(c.get('deps'), providerId(c), c.req.valid('param').id)))
  .openapi(deliveriesRoute, async (c) => c.json(await listDeliveries(c.get('deps'), providerId(c), c.req.valid('param').id, c.req.valid('query')), 200))
  .openapi(replayRoute, async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    return idempotently(c, {}, 202, () => replayDelivery(c.get('deps'), providerId(c), id, deliveryId));
  })
  .openapi(eventsRoute, async (c) => c.json(await listEvents(c.get('deps'), providerId(c), c.req.valid('query')), 200));

// The OpenAPI 3.1 `webhooks` section: one entry per event type, with its schema and the three
// Standard Webhooks headers. Registered on the app itself (createApp calls this): a sub-app's
// webhooks get a path prefix when mounted, and the entries are named by event type alone.
const WebhookHeaders = z.object({
  'webhook-id': z.string().openapi({ description: 'The event id; the same on every retry. Deduplicate on it.' }),
  'webhook-timestamp': z.string().openapi({ description: 'Unix seconds of this attempt; refuse ones more than 5 minutes off.' }),
  'webhook-signature': z.string().openapi({ description: 'Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two during a secret rotation.' }),
});

export function registerEventWebhooks(registry: OpenAPIHono<AppEnv>['openAPIRegistry']): void {
  for (const type of PROVIDER_EVENT_TYPES) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `event_${type.replace(/\./g, '_')}`,
      tags: ['Webhooks and events'],
      summary: type,
      description: EVENT_DESCRIPTIONS[type],
      request: { headers: WebhookHeaders, body: { required: true, content: { 'application/json': { schema: EVENT_SCHEMAS[type] } } } },
      responses: { 200: { description: 'Any 2xx acknowledges. 410 disables the endpoint; other answers are retried (5xx, 408, 429, timeouts) or final (other 4xx).' } },
    });
  }
}
