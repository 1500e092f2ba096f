import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const REQUEST_ID = 'x-request-id';
/** What hono's requestId middleware accepts from a caller, so both layers agree on the id. */
const ACCEPTABLE_ID = /^[\w\-=]{1,255}$/;

/**
 * Every answer of the process carries x-request-id, including the sandbox simulators and
 * /metrics, which the gateway app's own request-id middleware does not cover. An id the app
 * already set (the one in its logs) is kept; the caller's is reused when it is a sane token.
 */
export const everyAnswerHasRequestId: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.headers.has(REQUEST_ID)) return;
  const incoming = c.req.header(REQUEST_ID);
  c.header(REQUEST_ID, incoming && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID());
};

export { notFoundHandler } from '../app/not-found.js';
