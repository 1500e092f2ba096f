import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { redeemVoucher } from '../services/redemption.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, CardNumber, Email, EnrollmentSchema, IdempotencyHeaders, Platform, problemContent, safeText } from './schemas.js';

const RedemptionBody = z
  .object({
    voucherCode: z
      .string()
      .min(1, 'must not be empty')
      .max(64)
      .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and dashes only')
      .openapi({ example: 'TKPA1B2C3D4E' }),
    cardNumber: CardNumber,
    participant: z.object({
      name: safeText(z.string().trim().min(1, 'must not be empty').max(200)).openapi({ example: 'Siti Rahmawati' }),
      email: Email.openapi({ example: 'siti@example.id' }),
    }),
    platform: Platform.optional().openapi({ description: 'The platform that sold the voucher; needed only when the code format is ambiguous.' }),
  })
  .openapi('RedemptionRequest');

const redeemRoute = createRoute({
  method: 'post',
  path: '/v1/redemptions',
  operationId: 'redeemVoucher',
  tags: ['Redemption'],
  summary: 'Redeem a participant’s voucher, whatever platform sold it',
  description:
    'Validates the voucher at its platform and the participant’s name against prakerja.go.id *before* consuming it (a redeem cannot be repeated), then redeems exactly once.',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: RedemptionBody } } } },
  responses: {
    201: { description: 'Redeemed; the enrollment', content: { 'application/json': { schema: EnrollmentSchema } } },
    400: problemContent('Invalid request: see errors[]'),
    ...authProblems,
    409: problemContent('Voucher already redeemed (enrollmentId names the enrollment) or the same Idempotency-Key is still running'),
    413: problemContent('Body too large'),
    415: problemContent('Body is not JSON'),
    422: problemContent('Refused before anything was consumed: voucher not found/expired/refunded/another provider’s, card mismatch, name mismatch, ambiguous platform, Idempotency-Key reused with another body'),
    502: problemContent('The platform or prakerja.go.id answered outside its contract or refused the gateway’s credentials; nothing was redeemed'),
    503: problemContent('`partner_unavailable` (the platform or prakerja.go.id is down, rate-limiting or did not answer in time; `platform` names it), `database_unavailable`, or `redemption_not_recorded`: retry after `Retry-After` with the same Idempotency-Key'),
  },
});

export const redemptionRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(redeemRoute, async (c) => {
  const body = c.req.valid('json');
  return idempotently(c, body, 201, (open) => redeemVoucher(c.get('deps'), providerId(c), body, open));
});
