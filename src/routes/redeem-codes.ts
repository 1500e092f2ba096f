import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { createVerificationUrl, recordVerificationReturn, useRedeemCode } from '../services/redeem-codes.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, Code, Email, IdempotencyHeaders, problemContent, Text, Url } from './schemas.js';

const RedeemCode = Code(64).openapi({ example: 'RC-WEB-0001' });
const Sequence = z
  .number()
  .int()
  .refine((n) => (n >= 1 && n <= 10) || n === 999, 'must be a session number 1–10, or 999')
  .openapi({ description: 'Session number 1–10, or 999.', example: 1 });

const RedeemCodeResult = z
  .object({
    redeemCode: z.string(),
    sequence: z.number(),
    status: z.literal('committed'),
    committedAt: z.string(),
    course: z.object({ code: z.string(), type: z.enum(['webinar', 'spl', 'offline']), typeLabel: z.string(), learningMethod: z.string(), isOnlineAttendance: z.boolean() }),
    schedule: z.object({ code: z.string(), start: z.string().nullable(), end: z.string().nullable() }),
    invoiceCode: z.string(),
    platform: z.string(),
  })
  .openapi('RedeemCodeResult');

const useRoute = createRoute({
  method: 'post',
  path: '/v1/redeem-codes',
  operationId: 'useRedeemCode',
  description: "Checks a prakerja.go.id redeem code’s status (and a webinar’s window: one hour before to one hour after the session starts), then commits it once for the session. Each published refusal of prakerja.go.id is its own problem code.",
  tags: ['Redeem codes (prakerja.go.id)'],
  summary: 'Use a participant’s per-session redeem code: status check, then commit, once',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: z.object({ redeemCode: RedeemCode, sequence: Sequence }).openapi('RedeemCodeRequest') } } } },
  responses: {
    201: { description: 'Committed at prakerja.go.id', content: { 'application/json': { schema: RedeemCodeResult } } },
    400: problemContent('Invalid request'),
    ...authProblems,
    409: problemContent('Already used'),
    422: problemContent('Not found, wrong training type, another provider’s code, cancelled, transaction cancelled, or outside the webinar window'),
    502: problemContent('prakerja.go.id answered outside its contract or refused the credentials; nothing committed'),
    503: problemContent('`partner_unavailable` (prakerja.go.id is down, rate-limiting or did not answer in time) or `database_unavailable`: retry after `Retry-After` with the same Idempotency-Key'),
  },
});

const urlRoute = createRoute({
  method: 'post',
  path: '/v1/redeem-codes/verification-url',
  operationId: 'createVerificationUrl', description: "Asks prakerja.go.id for the URL where the participant verifies attendance; they come back to `redirectUri` with `state`.",
  tags: ['Redeem codes (prakerja.go.id)'],
  summary: 'Get prakerja.go.id’s attendance-verification URL for a participant (url-generate)',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ redeemCode: RedeemCode, sequence: Sequence, redirectUri: Url, email: Email })
            .openapi('VerificationUrlRequest'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Send the participant to `url`; they come back to redirectUri with `state`',
      content: { 'application/json': { schema: z.object({ url: z.string(), state: z.string(), course: z.object({ type: z.string(), learningMethod: z.string() }) }).openapi('VerificationUrl') } },
    },
    400: problemContent('Invalid request'),
    ...authProblems,
    422: problemContent('prakerja.go.id refused the code'),
    502: problemContent('prakerja.go.id answered outside its contract or refused the credentials'),
    503: problemContent('`partner_unavailable` (prakerja.go.id is down, rate-limiting or did not answer in time) or `database_unavailable`: retry after `Retry-After`'),
  },
});

const returnRoute = createRoute({
  method: 'post',
  path: '/v1/redeem-codes/verification-return',
  operationId: 'recordVerificationReturn', description: "Records that the participant came back with `state` after verification, and answers the redeem code and session it belongs to. Unknown state (or another provider’s) is a 404.",
  tags: ['Redeem codes (prakerja.go.id)'],
  summary: 'Record that the participant came back with `state` after verification',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ state: Text(512) }) } } } },
  responses: {
    200: {
      description: 'Matched; repeated calls return the first return time',
      content: { 'application/json': { schema: z.object({ state: z.string(), redeemCode: z.string(), sequence: z.number(), email: z.string(), returnedAt: z.string() }).openapi('VerificationReturn') } },
    },
    400: problemContent('Invalid request'),
    ...authProblems,
    404: problemContent('Unknown state for this provider'),
  },
});

export const redeemCodeRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(useRoute, async (c) => {
    const body = c.req.valid('json');
    return idempotently(c, body, 201, () => useRedeemCode(c.get('deps'), providerId(c), body));
  })
  .openapi(urlRoute, async (c) => c.json(await createVerificationUrl(c.get('deps'), providerId(c), c.req.valid('json')), 200))
  .openapi(returnRoute, async (c) => c.json(await recordVerificationReturn(c.get('deps'), providerId(c), c.req.valid('json').state), 200));
