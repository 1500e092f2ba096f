import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { maskDigitRuns } from '../lib/mask.js';
import { problemResponse, problems, ProblemError, type FieldError } from '../lib/problem.js';
import type { AppEnv } from './context.js';

/** zod issues → field errors; the field is the dotted path a client can find in its own JSON. */
export function fieldErrors(error: ZodError, target: string): FieldError[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const field = target === 'header' ? `header:${path}` : target === 'json' ? path || 'body' : `${target}:${path}`;
    return { field, rule: ruleOf(i), message: maskDigitRuns(i.message) };
  });
}

/** A custom check names its rule in params (routes/schemas.ts); zod's own checks by their code. */
export function ruleOf(i: ZodError['issues'][number]): string {
  return i.code === 'custom' && typeof i.params?.rule === 'string' ? i.params.rule : i.code;
}

/** The validation hook every route shares: a failed parse is a 400 problem that names each field. */
export function validationHook(result: { success: boolean; target: string; error?: ZodError }, c: Context) {
  if (!result.success && result.error) {
    const p = problems.validation(fieldErrors(result.error, result.target)).problem;
    return problemResponse({ ...p, instance: c.req.path });
  }
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  const instance = c.req.path;
  if (err instanceof ProblemError) return problemResponse({ ...err.problem, instance });
  if (err instanceof HTTPException) {
    if (err.status === 415) return problemResponse({ ...problems.unsupportedMediaType().problem, instance });
    if (err.status === 413) return problemResponse({ ...problems.payloadTooLarge(c.get('deps')?.config.maxBodyBytes ?? 0).problem, instance });
    if (err.status === 400) {
      return problemResponse({
        ...problems.validation([{ field: 'body', rule: 'json', message: 'the body is not valid JSON' }], 'The body could not be parsed as JSON.').problem,
        instance,
      });
    }
    return problemResponse({ type: '/problems/http', title: err.message || 'HTTP error', status: err.status, code: 'http_error', instance });
  }
  if (isDatabaseUnavailable(err)) {
    (c.get('log') ?? console).warn({ err }, 'database unavailable');
    return problemResponse({ ...problems.databaseUnavailable().problem, instance, requestId: c.get('requestId') });
  }
  (c.get('log') ?? console).error({ err }, 'unhandled error');
  return problemResponse({ ...problems.internal().problem, instance, requestId: c.get('requestId') });
}
