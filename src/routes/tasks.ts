import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { providerId, requireCaller } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { getTask, submitTask } from '../services/tasks.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, Code, IdempotencyHeaders, IntParam, problemContent, safeText, Url } from './schemas.js';

const Sequence = z
  .number()
  .int()
  .refine((n) => (n >= 1 && n <= 10) || n === 999, 'must be a session number 1–10, or 999');
const Scope = z.enum(['tpm', 'uk']).openapi({ description: '`tpm` tugas praktik mandiri, `uk` unjuk keterampilan.' });
const TaskBody = z.object({ redeemCode: Code(64), scope: Scope, sequence: Sequence, fileUrl: Url });
const TaskState = z.enum(['not_submitted', 'pending', 'success', 'failed']);
const TaskSchema = z
  .object({ redeemCode: z.string(), scope: Scope, sequence: z.number(), fileUrl: z.string(), feedbackFileUrl: z.string().nullable(), notes: z.string().nullable(), assignment: TaskState, feedback: TaskState, updatedAt: z.string() })
  .openapi('Task');

const answer = (description: string) => ({ description, content: { 'application/json': { schema: TaskSchema } } });
const providerOnly = requireCaller('provider');
const common = { tags: ['Practical tasks (prakerja.go.id)'], security: bearerSecurity, middleware: [providerOnly] as [typeof providerOnly] };

const submitRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/tasks',
  operationId: 'submitTask',
  summary: 'Submit a participant’s practical task; the gateway delivers it and tracks its status at prakerja.go.id',
  description:
    'Tasks are the provider’s own: a submission for a redeem code that is not yours is accepted exactly like one for a code that does not exist, and prakerja.go.id’s refusal (with its reason) shows on the task and in its delivery.',
  request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: TaskBody.openapi('TaskSubmission') } } } },
  responses: { 202: answer('Accepted; `assignment` moves to pending, then success or failed'), 400: problemContent('Invalid request'), ...authProblems },
});

const feedbackRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/tasks/feedback',
  operationId: 'submitTaskFeedback',
  description: "Submits the feedback of a practical task whose assignment was submitted; delivered and tracked like the assignment.",
  summary: 'Submit the provider’s feedback on a practical task',
  request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: TaskBody.extend({ notes: safeText(z.string().trim().min(1, 'must not be empty').max(5000), { tab: true }) }).openapi('TaskFeedback') } } } },
  responses: { 202: answer('Accepted; `feedback` moves to pending, then success or failed'), 400: problemContent('Invalid request'), ...authProblems, 404: problemContent('No such task for this provider') },
});

const getRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/tasks/{redeemCode}/{scope}/{sequence}',
  operationId: 'getTask',
  description: "The practical task as prakerja.go.id last reported it (assignment and feedback: not_submitted, pending, success, failed). Only the provider’s own tasks.",
  summary: 'A practical task’s status as prakerja.go.id last reported it',
  request: {
    params: z.object({
      redeemCode: Code(64).openapi({ param: { name: 'redeemCode', in: 'path' } }),
      scope: Scope.openapi({ param: { name: 'scope', in: 'path' } }),
      sequence: IntParam(1, 999).pipe(Sequence).openapi({ param: { name: 'sequence', in: 'path' }, type: 'integer' }),
    }),
  },
  responses: { 200: answer('The task'), 400: problemContent('Invalid path'), ...authProblems, 404: problemContent('No such task for this provider') },
});

export const taskRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(submitRoute, async (c) => {
    const body = c.req.valid('json');
    return idempotently(c, body, 202, () => submitTask(c.get('deps'), providerId(c), body));
  })
  .openapi(feedbackRoute, async (c) => {
    const body = c.req.valid('json');
    return idempotently(c, body, 202, () => submitTask(c.get('deps'), providerId(c), body));
  })
  .openapi(getRoute, async (c) => c.json(await getTask(c.get('deps'), providerId(c), c.req.valid('param')), 200));
