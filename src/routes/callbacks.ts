import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { PLATFORM_IDS, PLATFORMS } from '../../adapters/registry.js';
import { receiveCallback } from '../services/callbacks.js';
import { problemContent } from './schemas.js';
import { checkJson } from '../app/request-guard.js';

const Source = z.enum([...PLATFORM_IDS, 'prakerja']).openapi({ param: { name: 'source', in: 'path' }, description: 'The sender: a platform, or prakerja.go.id.' });

const callbackRoute = createRoute({
  method: 'post',
  path: '/v1/callbacks/{source}',
  operationId: 'receiveCallback',
  tags: ['Callbacks'],
  summary: 'Partner callbacks, each verified with the sender’s own signature scheme',
  // Derived from the registry, so a new platform's scheme is documented as soon as it is registered.
  description: `${PLATFORMS.map((d) => `${d.displayName}: ${d.callbackScheme}.`).join(' ')} prakerja.go.id: client_code/timestamp/signature HMAC-SHA1. Signatures are checked on the raw body with a ±5 minute tolerance; events are deduplicated by id; unknown event types are stored and acknowledged. See openapi/partners/*.yaml for each body.`,
  request: { params: z.object({ source: Source }) },
  responses: {
    200: {
      description: 'Received (also for a duplicate, which changes nothing)',
      content: { 'application/json': { schema: z.object({ received: z.literal(true), eventId: z.string(), duplicate: z.boolean(), outcome: z.string() }).openapi('CallbackReceipt') } },
    },
    400: problemContent('Unknown sender'),
    401: problemContent('Missing, forged or stale signature; nothing stored'),
    413: problemContent('Body too large'),
    422: problemContent('Event about a voucher the sender does not own; nothing stored'),
    429: problemContent('`rate_limited`: too many callbacks from this source address; nothing stored. Retry after `Retry-After`'),
  },
});

export const callbackRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(callbackRoute, async (c) => {
  const rawBody = await c.req.text();
  // Signatures are checked on these exact bytes by the adapters; what no column can store (NUL,
  // lone surrogates, hostile nesting) is refused before, even from a correctly signed sender.
  const parsed = parseIfJson(rawBody);
  if (parsed.ok) checkJson(parsed.value);
  const answer = await receiveCallback(c.get('deps'), c.req.valid('param').source, {
    path: c.req.path,
    headers: c.req.raw.headers,
    rawBody,
    receivedAt: c.get('deps').now(),
  });
  return c.json(answer, 200);
});

/** The body as JSON when it is JSON; a body that is not is left to its adapter to refuse. */
function parseIfJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}
