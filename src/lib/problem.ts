import { maskDigitRuns } from './mask.js';

/**
 * RFC 9457 problem details. Every error the gateway answers is one of these, so a provider's
 * engineer can branch on `code` and read `errors[].field` to know what to fix.
 */
export interface FieldError {
  /** JSON pointer-ish dotted path into the request, or a header name (`header:Idempotency-Key`). */
  field: string;
  rule: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(status: number, code: string, title: string, extra: Omit<Partial<Problem>, 'status' | 'code' | 'title'> = {}) {
    super(typeof extra.detail === "string" ? extra.detail : title);
    // Every problem says something a person can act on, even where the title says it all.
    this.problem = { type: `/problems/${code}`, title, status, code, detail: `${title}.`, ...extra };
  }
  get status(): number {
    return this.problem.status;
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request is not valid; see errors[] for each field.') =>
    new ProblemError(400, 'validation_failed', 'Invalid request', { detail, errors }),
  unauthorized: (detail: string) => new ProblemError(401, 'unauthorized', 'Authentication required', { detail }),
  forbidden: (detail: string) => new ProblemError(403, 'forbidden', 'Not allowed', { detail }),
  notFound: (what: string) => new ProblemError(404, 'not_found', 'Not found', { detail: `${what} was not found.` }),
  payloadTooLarge: (limit: number) =>
    new ProblemError(413, 'payload_too_large', 'Request body too large', {
      detail: `The body exceeds ${limit} bytes.`,
      errors: [{ field: 'body', rule: 'max_bytes', message: `at most ${limit} bytes` }],
    }),
  unsupportedMediaType: () =>
    new ProblemError(415, 'unsupported_media_type', 'Unsupported media type', {
      detail: 'Send the body as application/json.',
      errors: [{ field: 'header:Content-Type', rule: 'media_type', message: 'must be application/json' }],
    }),
  internal: () => new ProblemError(500, 'internal_error', 'Internal error', { detail: 'Something failed on our side; it was logged.' }),
  /** Our database cannot be reached: nothing of the request was kept, and it can be sent again (same Idempotency-Key). */
  databaseUnavailable: () =>
    new ProblemError(503, 'database_unavailable', 'Database unavailable', {
      detail: 'The gateway cannot reach its database right now; nothing of this request was kept. Retry after the indicated time with the same Idempotency-Key.',
      retryAfterSeconds: 5,
    }),
  /** The provider exists but cannot call prakerja.go.id yet: configuration, not a fault of the request. */
  prakerjaCredentialsMissing: (providerId: string) =>
    new ProblemError(503, 'prakerja_credentials_missing', 'No prakerja.go.id credentials for this provider', {
      detail: `Provider ${providerId} has no prakerja.go.id client code and sign key configured at the gateway. Ask the gateway operators to set them (PATCH /v1/ops/providers/${providerId}).`,
      errors: [{ field: 'provider', rule: 'prakerja_credentials_configured', message: 'no prakerja.go.id client code and sign key' }],
    }),
};

/** A problem never carries a whole card number or NIK, wherever one came from (a path, a partner's message). */
export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  // A problem that says when to retry says it in the header clients and proxies read, too.
  const retry: Record<string, string> = typeof p.retryAfterSeconds === 'number' ? { 'retry-after': String(p.retryAfterSeconds) } : {};
  return new Response(maskDigitRuns(JSON.stringify(p)), { status: p.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...retry, ...headers } });
}
