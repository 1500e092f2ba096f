import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { findClaim } from '../db/enrollment-store.js';
import { resolvePlatform } from '../domain/redemption.js';
import { ENROLLMENT_STATES } from '../domain/types.js';
import { maskCardNumber } from '../lib/mask.js';
import { problems, ProblemError } from '../lib/problem.js';
import { platformProblem } from '../services/platform-problems.js';
import { authProblems, bearerSecurity, Code, Platform, problemContent } from './schemas.js';

const VoucherSchema = z
  .object({
    code: z.string(),
    platform: Platform,
    state: z.enum(ENROLLMENT_STATES).openapi({ description: 'Canonical status, as the platform reports it now.' }),
    platformStatus: z.string().openapi({ description: 'The platform’s own status word.' }),
    courseId: z.string(),
    buyerName: z.string(),
    cardNumber: z.string().openapi({ description: 'Masked.' }),
    purchasedAt: z.string(),
    expiresAt: z.string(),
    redeemedAt: z.string().nullable(),
    enrollmentId: z.string().nullable().openapi({ description: 'Set when the voucher was redeemed through the gateway.' }),
    recorded: z
      .object({
        enrollmentId: z.string(),
        redeemedAt: z.string().nullable().openapi({ description: 'When the platform accepted the redeem, as the gateway wrote it down.' }),
      })
      .nullable()
      .openapi({
        description:
          'What the gateway itself recorded, beside what the platform reports now (every field above). They disagree when the platform lost or reverted a redemption — reconciliation reports it — and in the sandbox after a restart, whose simulators start again from the demo data.',
      }),
  })
  .openapi('Voucher');

const getVoucher = createRoute({
  method: 'get',
  path: '/v1/vouchers/{code}',
  operationId: 'getVoucher',
  description: "Asks the platform that sold the voucher (guessed from the code’s format, or `?platform=`) for its status now, in canonical words, with the enrollment id when it was redeemed through the gateway. Another provider’s voucher is a 404.",
  tags: ['Redemption'],
  summary: 'A voucher’s status as its platform reports it',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: {
    params: z.object({ code: Code(64).openapi({ param: { name: 'code', in: 'path' }, example: 'TKPA1B2C3D4E' }) }),
    query: z.object({ platform: Platform.optional() }),
  },
  responses: {
    200: { description: 'The voucher', content: { 'application/json': { schema: VoucherSchema } } },
    400: problemContent('Invalid code'),
    ...authProblems,
    404: problemContent('No such voucher for this provider'),
    422: problemContent('Ambiguous code: send ?platform='),
    502: problemContent('The platform answered outside its contract or refused the gateway’s credentials'),
    503: problemContent('`partner_unavailable` (the platform is down, rate-limiting or did not answer in time) or `database_unavailable`: retry after `Retry-After`'),
  },
});

export const voucherRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(getVoucher, async (c) => {
  const { code } = c.req.valid('param');
  const deps = c.get('deps');
  const r = resolvePlatform(code, c.req.valid('query').platform, Object.values(deps.platforms));
  if (!r.ok) {
    if (r.reason === 'unknown_format') throw problems.notFound('Voucher');
    throw new ProblemError(422, 'platform_ambiguous', 'Cannot tell which platform sold this voucher', {
      candidates: r.candidates,
      errors: [{ field: 'query:platform', rule: 'required_when_ambiguous', message: `one of: ${r.candidates.join(', ')}` }],
    });
  }
  const v = await deps.platforms[r.platform].getVoucher(code).catch((e) => Promise.reject(platformProblem(e)));
  if (!v || v.providerId !== providerId(c)) throw problems.notFound('Voucher');
  const claim = await findClaim(deps.database.db, r.platform, code);
  const ours = claim?.status === 'redeemed' && claim.providerId === v.providerId ? claim : undefined;
  return c.json(
    {
      code: v.code,
      platform: v.platform,
      state: v.state,
      platformStatus: v.platformStatus,
      courseId: v.courseId,
      buyerName: v.buyerName,
      cardNumber: maskCardNumber(v.cardNumber),
      purchasedAt: v.purchasedAt.toISOString(),
      expiresAt: v.expiresAt.toISOString(),
      redeemedAt: v.redeemedAt?.toISOString() ?? null,
      enrollmentId: ours?.id ?? null,
      recorded: ours ? { enrollmentId: ours.id, redeemedAt: ours.redeemedAt?.toISOString() ?? null } : null,
    },
    200,
  );
});
