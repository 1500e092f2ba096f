import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { DEFAULT_RECON_SETTINGS, DISCREPANCY_KINDS } from '../domain/reconciliation.js';
import { PLATFORM_IDS } from '../domain/types.js';
import { problems } from '../lib/problem.js';
import { discrepanciesCsv, listDiscrepancies, resolveDiscrepancy } from '../services/recon/discrepancies.js';
import { getRun, listRuns, runView } from '../services/recon/runs.js';
import { startAuditedRun } from '../services/recon/start-run.js';
import { Cursor, IdParam, IsoDateTime, Limit, NextCursor, opsMutation, opsOnce, opsProblems, opsRoute, ReasonBody } from './ops-common.js';
import { IntParam, Platform, problemContent, safeText } from './schemas.js';

const RunRequest = z
  .object({
    platform: Platform.optional().openapi({ description: 'One platform; every platform when absent.' }),
    from: IsoDateTime.openapi({ description: 'Window start: platform vouchers changed, and gateway enrollments redeemed, from here.' }),
    to: IsoDateTime.optional().openapi({ description: 'Window end (exclusive); now when absent. A voucher changed at the platform after `to` is not in its listing, so keep `to` at now unless you mean it.' }),
    noReviewAfterHours: z.number().int().min(1).max(24 * 90).optional().openapi({ description: `completed_no_review after this many hours (default ${DEFAULT_RECON_SETTINGS.noReviewAfterHours}).` }),
    expiringWithinDays: z.number().int().min(1).max(90).optional().openapi({ description: `voucher_expiring_unredeemed looks this many days ahead (default ${DEFAULT_RECON_SETTINGS.expiringWithinDays}).` }),
    reason: safeText(z.string().trim().max(1000), { tab: true }).optional().openapi({ description: 'Optional note for the audit log.' }),
  })
  .openapi('ReconciliationRunRequest');

const RunSchema = z
  .object({
    id: z.number().int(),
    platform: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    requestedBy: z.string(),
    settings: z.object({ noReviewAfterHours: z.number(), expiringWithinDays: z.number() }),
    counts: z
      .object({
        staged: z.record(z.string(), z.number()).optional(),
        prakerja: z.object({ staged: z.number(), providers: z.array(z.string()), unavailable: z.array(z.string()) }).optional(),
        discrepancies: z.record(z.string(), z.number()).optional(),
        total: z.number().optional(),
      })
      .openapi({ description: 'Vouchers staged per platform, prakerja.go.id views staged, findings per kind.' }),
    asOf: z.string().openapi({ description: 'The run’s "now": ages are measured from it.' }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('ReconciliationRun');

const DiscrepancySchema = z
  .object({
    id: z.number().int(),
    runId: z.number().int(),
    kind: z.enum(DISCREPANCY_KINDS),
    platform: z.string().openapi({ description: 'The platform, or `prakerja` for a dead letter with no enrollment.' }),
    subject: z.string().openapi({ description: 'What the finding is about: the voucher code, or `outbox:<id>` for a dead letter. One run records a finding once.' }),
    voucherCode: z.string().nullable(),
    enrollmentId: z.string().nullable(),
    outboxId: z.number().int().nullable(),
    cardNumber: z.string().nullable().openapi({ description: 'Masked: first 4 and last 4 digits.', example: '5201********0001' }),
    details: z.record(z.string(), z.unknown()).openapi({ description: 'Kind-specific; status_differs carries the gateway, platform and prakerja.go.id views.' }),
    status: z.enum(['open', 'resolved']),
    resolution: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Discrepancy');

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

const postRun = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/reconciliation/runs',
  operationId: 'startReconciliationRun',
  summary: 'Run a reconciliation: pull the platforms’ and prakerja.go.id’s listings for a window and compare them with the gateway',
  description:
    'Listings are streamed into staging tables page by page and compared in SQL. The run is stored; it answers when finished. A partner that cannot be listed fails the run (status `failed`, `error`) rather than reporting everything as missing.',
  request: { ...opsMutation, body: { required: true, content: { 'application/json': { schema: RunRequest } } } },
  responses: { 201: json('The finished run', RunSchema), ...opsProblems },
});

const listRunsRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/reconciliation/runs',
  operationId: 'listReconciliationRuns',
  description: "Reconciliation runs, newest first, with their counts per platform and per finding kind.",
  summary: 'Reconciliation runs, newest first',
  request: { query: z.object({ status: z.enum(['running', 'succeeded', 'failed']).optional(), cursor: Cursor, limit: Limit }) },
  responses: { 200: json('A page of runs', z.object({ items: z.array(RunSchema), nextCursor: NextCursor })), ...opsProblems },
});

const getRunRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/reconciliation/runs/{id}',
  operationId: 'getReconciliationRun',
  description: "One reconciliation run: window, status, counts.",
  summary: 'One reconciliation run',
  request: { params: IdParam('Run id') },
  responses: { 200: json('The run', RunSchema), ...opsProblems, 404: problemContent('No such run') },
});

const DiscrepancyQuery = z.object({
  kind: z.enum(DISCREPANCY_KINDS).optional(),
  platform: z.enum([...PLATFORM_IDS, 'prakerja']).optional(),
  status: z.enum(['open', 'resolved']).optional(),
  runId: IntParam(1, Number.MAX_SAFE_INTEGER).optional(),
  enrollmentId: z.string().uuid('must be a UUID').optional(),
  cursor: Cursor,
  limit: Limit,
  format: z.enum(['json', 'csv']).optional().openapi({ description: '`csv` exports every matching finding (from `cursor` on, `limit` ignored); so does `Accept: text/csv`.' }),
});

const listDiscrepanciesRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/discrepancies',
  operationId: 'listDiscrepancies', description: "Findings of reconciliation runs, filtered by kind, platform, status, run or enrollment; cursor pages, or every match as CSV (`format=csv`).",
  summary: 'Findings of reconciliation runs, filtered, oldest first by id; JSON pages or a CSV export',
  request: { query: DiscrepancyQuery },
  responses: {
    200: {
      description: 'A page of findings, or with `format=csv` / `Accept: text/csv` all of them as CSV (card numbers masked in both)',
      content: {
        'application/json': { schema: z.object({ items: z.array(DiscrepancySchema), nextCursor: NextCursor }) },
        'text/csv': { schema: z.string().openapi({ description: 'RFC 4180; `details` as JSON in the last column.' }) },
      },
    },
    ...opsProblems,
  },
});

const resolveRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/discrepancies/{id}/resolve',
  operationId: 'resolveDiscrepancy',
  description: "Marks a finding resolved with the operator’s reason (audited); a finding unchanged since comes in resolved at later runs.",
  summary: 'Mark a finding resolved, with the reason (audited)',
  request: { params: IdParam('Discrepancy id'), ...opsMutation, body: { required: true, content: { 'application/json': { schema: ReasonBody } } } },
  responses: { 200: json('The resolved finding', DiscrepancySchema), ...opsProblems, 404: problemContent('No such finding'), 409: problemContent('Already resolved') },
});

const wantsCsv = (format: string | undefined, accept: string | undefined) => format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(accept ?? ''));

export const opsReconciliationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(postRun, async (c) => {
    const body = c.req.valid('json');
    const deps = c.get('deps');
    const now = deps.now();
    const from = new Date(body.from);
    const to = body.to ? new Date(body.to) : now;
    if (from >= to) throw problems.validation([{ field: body.to ? 'to' : 'from', rule: 'window', message: body.to ? 'must be after from' : 'must be in the past (to defaults to now)' }]);
    return opsOnce(c, 'POST /v1/ops/reconciliation/runs', body, 201, async (operator) => {
      const settings = { ...(body.noReviewAfterHours ? { noReviewAfterHours: body.noReviewAfterHours } : {}), ...(body.expiringWithinDays ? { expiringWithinDays: body.expiringWithinDays } : {}) };
      return runView(await startAuditedRun(deps, { platform: body.platform, from, to, settings, reason: body.reason }, operator));
    });
  })
  .openapi(listRunsRoute, async (c) => c.json(await listRuns(c.get('deps'), c.req.valid('query')), 200))
  .openapi(getRunRoute, async (c) => c.json(await getRun(c.get('deps'), c.req.valid('param').id), 200))
  .openapi(listDiscrepanciesRoute, async (c) => {
    const { cursor, limit, format, ...filter } = c.req.valid('query');
    if (wantsCsv(format, c.req.header('accept'))) {
      return c.body(discrepanciesCsv(c.get('deps'), filter, { cursor }), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="discrepancies.csv"' });
    }
    return c.json(await listDiscrepancies(c.get('deps'), filter, { cursor, limit }), 200);
  })
  .openapi(resolveRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return opsOnce(c, `POST /v1/ops/discrepancies/${id}/resolve`, body, 200, (operator) => resolveDiscrepancy(c.get('deps'), id, operator, body.reason));
  });
