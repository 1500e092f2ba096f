import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { participantIncentive } from '../services/participant-incentive.js';
import { authProblems, bearerSecurity, CardNumber, IntParam, problemContent } from './schemas.js';

const opsOnly = requireCaller('ops');
const ops = { tags: ['Operations'], security: bearerSecurity, middleware: [opsOnly] as [typeof opsOnly] };

const IncentiveLine = z.object({
  incentive: z.enum(['training', 'survey']),
  sequence: z.number(),
  amount: z.number(),
  status: z.enum(['paid', 'scheduled', 'failed', 'not_yet_due', 'blocked']),
  at: z.string().optional(),
  why: z.string(),
});

const incentiveRoute = createRoute({
  ...ops,
  method: 'get',
  path: '/v1/ops/participants/{cardNumber}/incentive',
  operationId: 'getParticipantIncentive', description: "Every training of the participant with what blocks it (no review, a held name, a failing delivery, a rejection) and the incentive: what should have been paid, what was, what is pending and why.",
  summary: 'Why is this participant’s incentive (not) paid: every training, its blockers, and the incentive lines',
  request: {
    params: z.object({ cardNumber: CardNumber.openapi({ param: { name: 'cardNumber', in: 'path' } }) }),
    query: z.object({ programYear: IntParam(2020, 2100).optional().openapi({ description: 'Defaults to the year of the first redemption.' }) }),
  },
  responses: {
    200: {
      description: 'The participant’s trainings and incentive statement',
      content: {
        'application/json': {
          schema: z
            .object({
              cardNumber: z.string(),
              programYear: z.number(),
              enrollments: z.array(
                z.object({
                  id: z.string(),
                  platform: z.string(),
                  voucherCode: z.string(),
                  course: z.object({ id: z.string(), title: z.string() }),
                  providerId: z.string(),
                  state: z.string(),
                  redeemedAt: z.string().nullable(),
                  firstTraining: z.boolean(),
                  blockers: z.array(z.string()),
                }),
              ),
              incentive: z.object({
                programYear: z.number(),
                rule: z
                  .object({
                    years: z.array(z.number().int()).readonly(),
                    balance: z.number().openapi({ description: 'Rupiah, the training balance on the card.' }),
                    training: z.object({ amount: z.number(), payments: z.number().int() }).openapi({ description: 'The post-training incentive: rupiah per payment, and how many.' }),
                    survey: z.object({ amount: z.number(), count: z.number().int() }).openapi({ description: 'Rupiah per evaluation survey, and how many are paid.' }),
                    firstPurchaseWithinDays: z.number().int().openapi({ description: 'Days after joining within which the first training must be bought.' }),
                  })
                  .nullable()
                  .openapi({ description: 'The rules of the participant’s program year; null when none are known.' }),
                firstTrainingEnrollmentId: z.string().nullable(),
                lines: z.array(IncentiveLine),
                totals: z.object({ expected: z.number(), paid: z.number(), pending: z.number() }),
                nextAction: z.string(),
              }),
            })
            .openapi('ParticipantIncentive'),
        },
      },
    },
    400: problemContent('Invalid card number'),
    ...authProblems,
    404: problemContent('No enrollment with this card number'),
  },
});

export const opsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(incentiveRoute, async (c) =>
  c.json(await participantIncentive(c.get('deps'), c.req.valid('param').cardNumber, c.req.valid('query').programYear), 200),
);
