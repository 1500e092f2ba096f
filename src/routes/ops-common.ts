import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requireCaller } from '../app/auth.js';
import type { AppEnv, RequestVars } from '../app/context.js';
import { problems } from '../lib/problem.js';
import { idempotently } from './respond.js';
import { authProblems, bearerSecurity, IdempotencyHeaders, IntParam, problemContent, safeText, Text } from './schemas.js';

/** What every /v1/ops route shares: an ops token (a provider's is a 403), its tag and security. */
const opsOnly = requireCaller('ops');
export const opsRoute = { tags: ['Operations'], security: bearerSecurity, middleware: [opsOnly] as [typeof opsOnly] };

export function operatorOf(c: RequestVars): string {
  const caller = c.get('caller');
  if (caller.kind !== 'ops') throw problems.forbidden('This route needs an ops token.');
  return caller.operator;
}

/** Every manual action says why; the reason goes to the audit log with the operator's name. */
export const Reason = safeText(
  z
    .string({ error: 'reason is required: say why, it goes to the audit log' })
    .trim()
    .min(3, 'must explain the action (3 characters or more)')
    .max(1000),
  { tab: true },
).openapi({ description: 'Why; written to the audit log with the operator’s name.', example: 'Participant confirmed by phone; platform account name is a nickname.' });

export const ReasonBody = z.object({ reason: Reason }).openapi('OpsReason');

export const IdParam = (description: string) =>
  z.object({ id: IntParam(1, Number.MAX_SAFE_INTEGER).openapi({ param: { name: 'id', in: 'path' }, description }) });

export const Limit = IntParam(1, 500).default(50).openapi({ description: 'Page size (1–500).' });
export const Cursor = Text(200).optional().openapi({ description: 'Opaque; the previous page’s nextCursor.' });
/** A free-text filter of a list (a destination, an operator's name): the text rule, no more. */
export const Filter = Text(200);
export const NextCursor = z.string().nullable().openapi({ description: 'Pass back as `cursor` for the next page; null on the last page.' });

export const IsoDateTime = z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' });

export const opsMutation = { headers: IdempotencyHeaders };
export const opsProblems = { 400: problemContent('Invalid request; errors[] names each field'), ...authProblems };

/**
 * Runs an ops action once per Idempotency-Key, scoped to the operator, as every mutating route
 * of the gateway does: a retried click replays the first answer instead of acting twice. Typed
 * as the work's result, like `idempotently`, so the route's declared answer and the handler agree.
 */
export function opsOnce<T extends object, S extends ContentfulStatusCode>(c: Context<AppEnv>, route: string, body: unknown, status: S, work: (operator: string) => Promise<T>) {
  const operator = operatorOf(c);
  return idempotently(c, body, status, () => work(operator), { scope: `ops:${operator}`, route });
}
