import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { problemResponse, problems } from '../lib/problem.js';
import { applyCompletionBatch, MAX_BATCH, parseBatchItems } from '../services/completion-batch.js';
import { CompletionBody } from './enrollments.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, IdempotencyHeaders, problemContent } from './schemas.js';

/** 10,000 completions with certificates fit comfortably; the usual 64 KiB limit does not apply here. */
export const BATCH_MAX_BYTES = 16 * 1024 * 1024;
export const BATCH_PATH = '/v1/completions/batch';
const MAX_REPORTED_ERRORS = 100;

const BatchItem = CompletionBody.extend({ enrollmentId: z.string().uuid('must be a UUID') }).openapi('BatchCompletionItem');

const batchRoute = createRoute({
  method: 'post',
  path: BATCH_PATH,
  operationId: 'reportCompletionsBatch',
  tags: ['Enrollments'],
  summary: 'Report up to 10,000 completions in one call',
  description: 'Each item is validated and applied on its own and answered per item (applied / unchanged / problem); one bad row never sinks the rest. The whole call is idempotent under its Idempotency-Key.',
  security: bearerSecurity,
  middleware: [requireCaller('provider')] as const,
  request: {
    headers: IdempotencyHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ items: z.array(z.unknown().openapi({ $ref: '#/components/schemas/BatchCompletionItem' } as never)).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} items`) })
            .openapi('BatchCompletionRequest'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Per-item results, in request order',
      content: {
        'application/json': {
          schema: z
            .object({
              summary: z.object({ total: z.number(), applied: z.number(), unchanged: z.number(), problems: z.number() }),
              items: z.array(z.object({ index: z.number(), enrollmentId: z.string().nullable(), status: z.enum(['applied', 'unchanged', 'problem']), problem: z.record(z.string(), z.unknown()).optional() })),
            })
            .openapi('BatchCompletionResult'),
        },
      },
    },
    400: problemContent('Not a batch (no items, more than 10,000, not JSON)'),
    ...authProblems,
    413: problemContent('Body too large'),
  },
});

export const completionBatchRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(batchRoute, async (c) => {
  const body = c.req.valid('json');
  const parsed = parseBatchItems(body.items, BatchItem);
  // Not one item could be applied: the call is refused as a whole and nothing (not even its Idempotency-Key) is kept.
  if (parsed.valid.length === 0) {
    throw problems.validation(
      parsed.results.flatMap((r) => (r.status === 'problem' ? (r.problem.errors ?? []) : [])).slice(0, MAX_REPORTED_ERRORS),
      'No item of the batch is valid; see errors[] (the first 100).',
    );
  }
  // A 10,000-row batch may take a while; a duplicate waits for it rather than running it twice.
  // A batch of which nothing applied wrote nothing: like a refusal, it is not kept under its key.
  return idempotently(c, body, 200, () => applyCompletionBatch(c.get('deps'), providerId(c), parsed), {
    waitMs: 60_000,
    keep: (r) => r.summary.applied + r.summary.unchanged > 0,
  });
});

completionBatchRoutes.openAPIRegistry.register('BatchCompletionItem', BatchItem);
