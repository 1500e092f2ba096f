import { createMiddleware } from 'hono/factory';
import { problems, ProblemError, type FieldError } from '../lib/problem.js';
import type { AppEnv } from './context.js';

/**
 * The edge's one set of bounds for what a request may be, checked before any route runs and
 * before any recursive work on the body (validation, the idempotency fingerprint): the media
 * type, the JSON's nesting depth and size, and text that no database column can hold (NUL, lone
 * surrogates) anywhere in the URL or the body. Per-field rules (control characters, lengths,
 * patterns) are the route schemas' job (routes/schemas.ts); this is the floor under all of them.
 */
export const JSON_LIMITS = {
  /** Our deepest request is four levels; 32 leaves room for any legitimate client. */
  maxDepth: 32,
  /** Values (objects, arrays, scalars) in one body: a 10,000-item batch has ~100,000. */
  maxNodes: 250_000,
} as const;

const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** Percent-encoded or raw C0 controls and DEL in a URL: never part of an identifier or filter of ours. */
const URL_CONTROL = /%(?:[01][0-9a-f]|7f)|[\u0000-\u001f\u007f]/i;
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Routes whose body is not ours to parse: the platforms' callbacks are verified on their raw bytes by the adapters. */
const RAW_BODY_PREFIX = '/v1/callbacks/';

export const requestGuard = createMiddleware<AppEnv>(async (c, next) => {
  checkUrl(c.req.url);
  const method = c.req.method;
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !c.req.path.startsWith(RAW_BODY_PREFIX) && hasBody(c.req.raw)) {
    const type = c.req.header('content-type') ?? '';
    if (!JSON_MEDIA_TYPE.test(type.trim())) throw problems.unsupportedMediaType();
    let body: unknown;
    try {
      // Cached by Hono: the route's validator reads this same parsed value.
      body = await c.req.json();
    } catch {
      throw problems.validation([{ field: 'body', rule: 'json', message: 'the body is not valid JSON' }], 'The body could not be parsed as JSON.');
    }
    checkJson(body);
  }
  await next();
});

function hasBody(req: Request): boolean {
  const length = req.headers.get('content-length');
  return length !== null ? length !== '0' : req.body !== null;
}

function checkUrl(url: string): void {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  if (URL_CONTROL.test(path)) throw refuse('path', 'no_control_characters', 'the path contains a control character');
  if (at < 0) return;
  for (const pair of url.slice(at + 1).split('&')) {
    if (URL_CONTROL.test(pair)) throw refuse(`query:${safeName(pair.split('=')[0])}`, 'no_control_characters', 'the parameter contains a control character');
  }
}

function safeName(raw: string): string {
  return raw.replace(URL_CONTROL, '').slice(0, 64) || '?';
}

/**
 * Walks the parsed body with an explicit stack (a hostile body cannot overflow ours), refusing
 * it at the first value too deep, past the size bound, or holding text no column can store.
 */
export function checkJson(body: unknown): void {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: body, path: '', depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (++nodes > JSON_LIMITS.maxNodes) throw refuse('body', 'max_values', `at most ${JSON_LIMITS.maxNodes} values in one body`);
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) throw refuse(path || 'body', 'no_control_characters', 'contains NUL or a lone surrogate');
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= JSON_LIMITS.maxDepth) throw refuse(path || 'body', 'max_depth', `nested deeper than ${JSON_LIMITS.maxDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, String(i)), depth: depth + 1 });
    } else {
      for (const [k, child] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) throw refuse(join(path, safeName(k)), 'no_control_characters', 'a member name contains NUL or a lone surrogate');
        stack.push({ v: child, path: join(path, k), depth: depth + 1 });
      }
    }
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function refuse(field: string, rule: string, message: string): ProblemError {
  const errors: FieldError[] = [{ field, rule, message }];
  return problems.validation(errors);
}
