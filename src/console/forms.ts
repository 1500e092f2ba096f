import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app/context.js';
import { ruleOf } from '../app/errors.js';
import { DISCREPANCY_KINDS } from '../domain/reconciliation.js';
import { PLATFORM_IDS } from '../domain/types.js';
import { maskDigitRuns } from '../lib/mask.js';
import { problems } from '../lib/problem.js';
import { Cursor, Filter, Reason } from '../routes/ops-common.js';
import { CardNumber, Code, IntParam, Platform, safeText } from '../routes/schemas.js';

/**
 * What the console's forms and filters may carry, checked with the API's own rules (the reason,
 * the card number, the filters), so a refusal names the same field and rule either way.
 */
const Ids = z.array(IntParam(1, Number.MAX_SAFE_INTEGER)).min(1, 'select at least one').max(500, 'at most 500 at once');

export const ReasonForm = z.object({ reason: Reason });
export const AcceptForm = ReasonForm.extend({ from: z.enum(['names', 'participant']).optional() });
export const SelectionForm = ReasonForm.extend({ ids: Ids });
export const SignInForm = z.object({ token: z.string().trim().min(1, 'paste your ops token').max(4096), next: z.string().max(300).optional() });
export const SearchForm = z.object({ card: CardNumber });
export const RunForm = z.object({
  platform: z.union([z.literal(''), Platform]).optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a date and time (YYYY-MM-DDTHH:mm, WIB)'),
  to: z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a date and time (YYYY-MM-DDTHH:mm, WIB)')]).optional(),
  reason: z.union([z.literal(''), safeText(z.string().trim().max(1000), { tab: true })]).optional(),
});

const empty = (v: unknown) => (v === '' ? undefined : v);
export const DiscrepancyQuery = z.object({
  kind: z.preprocess(empty, z.enum(DISCREPANCY_KINDS).optional()),
  platform: z.preprocess(empty, z.enum([...PLATFORM_IDS, 'prakerja']).optional()),
  provider: z.preprocess(empty, Code(64).optional()),
  status: z.preprocess(empty, z.enum(['open', 'resolved']).optional()),
  runId: z.preprocess(empty, IntParam(1, Number.MAX_SAFE_INTEGER).optional()),
  olderThanDays: z.preprocess(empty, IntParam(1, 365).optional()),
  cursor: z.preprocess(empty, Cursor),
});
export const AuditQuery = z.object({
  operator: z.preprocess(empty, Filter.optional()),
  action: z.preprocess(empty, Filter.optional()),
  target: z.preprocess(empty, Filter.optional()),
  cursor: z.preprocess(empty, Cursor),
});
export const CursorQuery = z.object({ cursor: z.preprocess(empty, Cursor) });
export const OffsetQuery = z.object({ offset: z.preprocess(empty, IntParam(0, 1_000_000).optional()) });
export const EnrollmentQuery = z.object({ enrollment: z.preprocess(empty, z.string().uuid('must be a UUID').optional()) });

/** Parses with a schema, or throws the 400 problem naming each field as the form names it. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw problems.validation(r.error.issues.map((i) => ({ field: `${prefix}${i.path.map(String).join('.') || 'form'}`, rule: ruleOf(i), message: maskDigitRuns(i.message) })));
}

/** The posted form as fields: `ids` (checkboxes) always a list, everything else one value. */
export async function formOf(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    throw problems.validation([{ field: 'header:Content-Type', rule: 'media_type', message: 'must be a form (application/x-www-form-urlencoded)' }]);
  }
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    out[k] = k === 'ids' ? list : list[0];
  }
  return out;
}
