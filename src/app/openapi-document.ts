import { withRequestExamples } from '../routes/examples.js';
import { createApp, OPENAPI_INFO } from './create-app.js';
import type { AppDeps } from './context.js';

/** The OpenAPI document depends only on the route definitions, so it can be built without deps. */
export function openapiDocument() {
  return withRequestExamples(createApp(() => ({}) as AppDeps).getOpenAPI31Document(OPENAPI_INFO));
}
