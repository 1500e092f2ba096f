import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { listNameDecisions, nameDecisionsCsv, refuseName } from '../services/ops/name-decisions.js';
import { opsMutation, opsOnce, opsProblems, opsRoute, ReasonBody } from './ops-common.js';
import { problemContent } from './schemas.js';

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

const EnrollmentIdParam = z.object({ id: z.string().uuid('must be a UUID').openapi({ param: { name: 'id', in: 'path' } }) });

const NameDecisionSchema = z
  .object({
    a: z.string().openapi({ description: 'First name of the pair that held the check (platform or provider name).' }),
    b: z.string().openapi({ description: 'Second name of that pair (the Prakerja name when there is one).' }),
    same: z.union([z.literal(0), z.literal(1)]).openapi({ description: '1 = the operator accepted (same person), 0 = refused.' }),
    phenomenon: z.string().openapi({ description: 'The scorer’s guess: the rule that decides this pair today (extra_given, wife_title_male …).' }),
    operatorDecision: z.enum(['accept', 'refuse']),
    operator: z.string(),
    reason: z.string(),
    at: z.string(),
    enrollmentId: z.string(),
    providerName: z.string(),
    platformName: z.string(),
    prakerjaName: z.string().nullable(),
    score: z.number().nullable().openapi({ description: 'The gateway’s score when the name was checked.' }),
    gatewayDecision: z.string().nullable(),
  })
  .openapi('NameDecision');

const decisionsRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/names/decisions',
  operationId: 'listNameDecisions',
  summary: 'Every operator decision on a held name, as labelled name pairs (JSON or CSV) to re-evaluate the scorer',
  description: 'Read from the audit log (accept-name, refuse-name), oldest first, all at once. The CSV starts with the columns of the name corpus (a, b, same, phenomenon), so `npm run names:evaluate -- decisions.csv` scores it as it comes.',
  request: { query: z.object({ format: z.enum(['json', 'csv']).optional().openapi({ description: '`csv` for the labelled-pair file; JSON by default.' }) }) },
  responses: {
    200: {
      description: 'The decisions',
      content: {
        'application/json': { schema: z.object({ items: z.array(NameDecisionSchema) }) },
        'text/csv': { schema: z.string().openapi({ description: 'RFC 4180, header row a,b,same,phenomenon,operatorDecision,…' }) },
      },
    },
    ...opsProblems,
  },
});

const refuseRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/enrollments/{id}/refuse-name',
  operationId: 'refuseName',
  summary: 'Confirm that a held name is another person’s (audited); the enrollment stays held',
  description: 'Nothing is released: the reports the name holds back stay back. The refusal is written to the audit log and exported as a “different person” label by GET /v1/ops/names/decisions. A later accept-name still overrides it.',
  request: { params: EnrollmentIdParam, ...opsMutation, body: { required: true, content: { 'application/json': { schema: ReasonBody } } } },
  responses: {
    200: json(
      'Refused',
      z
        .object({
          enrollmentId: z.string(),
          state: z.string(),
          nameCheck: z.object({ decision: z.enum(['match', 'review', 'mismatch']), score: z.number(), refusedAt: z.string(), refusedBy: z.string() }),
        })
        .openapi('NameRefusal'),
    ),
    ...opsProblems,
    404: problemContent('No such enrollment'),
    409: problemContent('The name matched, or was already accepted'),
  },
});

export const opsNameRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(decisionsRoute, async (c) => {
    const rows = await listNameDecisions(c.get('deps'));
    if (c.req.valid('query').format === 'csv') {
      return c.body(nameDecisionsCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="name-decisions.csv"' });
    }
    return c.json({ items: rows }, 200);
  })
  .openapi(refuseRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return opsOnce(c, `POST /v1/ops/enrollments/${id}/refuse-name`, body, 200, (operator) => refuseName(c.get('deps'), id, operator, body.reason));
  });
