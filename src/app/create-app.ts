import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { maskDigitRuns } from '../lib/mask.js';
import { problemResponse, problems } from '../lib/problem.js';
import { enrollmentRoutes } from '../routes/enrollments.js';
import { callbackRoutes } from '../routes/callbacks.js';
import { BATCH_MAX_BYTES, BATCH_PATH, completionBatchRoutes } from '../routes/completions-batch.js';
import { healthRoutes } from '../routes/health.js';
import { opsRoutes } from '../routes/ops.js';
import { opsActionRoutes } from '../routes/ops-actions.js';
import { problemRoutes } from '../routes/problems.js';
import { withRequestExamples } from '../routes/examples.js';
import { opsProviderRoutes } from '../routes/ops-providers.js';
import { opsNameRoutes } from '../routes/ops-names.js';
import { opsPlatformRoutes } from '../routes/ops-platforms.js';
import { opsWebhookRoutes } from '../routes/ops-webhooks.js';
import { opsReconciliationRoutes } from '../routes/ops-reconciliation.js';
import { taskRoutes } from '../routes/tasks.js';
import { redeemCodeRoutes } from '../routes/redeem-codes.js';
import { redemptionRoutes } from '../routes/redemptions.js';
import { voucherRoutes } from '../routes/vouchers.js';
import { registerEventWebhooks, webhookEndpointRoutes } from '../routes/webhook-endpoints.js';
import { consoleRoutes } from '../console/routes.js';
import type { AppDeps, AppEnv } from './context.js';
import { onError, validationHook } from './errors.js';
import { notFoundHandler } from './not-found.js';
import { limitBody } from './body-limit.js';
import { requestGuard } from './request-guard.js';
import { limitCallbacks } from './rate-limit.js';
import { inRequestSpan } from './request-span.js';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Prakerja Partner Gateway',
    version: '0.1.0',
    description:
      'One API for training providers to redeem Kartu Prakerja vouchers and redeem codes, whatever platform sold them. Errors are RFC 9457 problem details naming the field and the rule. Mutations take an `Idempotency-Key`.',
  },
  servers: [{ url: '/' }],
  // The docs page's order: what a provider's backend calls first, then what platforms call, then operators, then probes.
  tags: [
    { name: 'Redemption', description: 'Redeem a participant’s voucher, whatever platform sold it.' },
    { name: 'Enrollments', description: 'After redemption: the enrollment, attended sessions, the completion and certificate.' },
    { name: 'Redeem codes (prakerja.go.id)', description: 'Use a prakerja.go.id redeem code for a session; verification URLs.' },
    { name: 'Practical tasks (prakerja.go.id)', description: 'Submit participants’ practical tasks and the provider’s feedback.' },
    { name: 'Webhooks and events', description: 'Be told when an enrollment changes: webhook endpoints and the event feed.' },
    { name: 'Callbacks', description: 'Signed callbacks from the platforms and prakerja.go.id (not for providers).' },
    { name: 'Operations', description: 'Operators (ops tokens): providers, reconciliation, discrepancies, deliveries, names, audit. Every action needs a reason and is audited.' },
    { name: 'Health', description: 'Liveness, readiness and the problem types.' },
  ],
};

/** Where the docs page loads Scalar from when the runtime can serve it itself. */
export const DOCS_SCRIPT_PATH = '/docs/assets/scalar.js';

export interface AppOptions {
  /**
   * Scalar's standalone bundle, served at DOCS_SCRIPT_PATH so /docs works without internet. Node
   * reads it from disk; a Worker cannot read node_modules and 4.7 MB would crowd its size limit, so
   * without it the page loads Scalar from its CDN.
   */
  docsScript?: () => Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * Builds the gateway as a plain Hono app (web-standard Request → Response), the same on Node and
 * on Workers; what differs per runtime comes in `deps`.
 */
export function createApp(deps: AppDeps | (() => AppDeps), opts: AppOptions = {}) {
  const resolve = typeof deps === 'function' ? deps : () => deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestId({ headerName: 'x-request-id' }));
  app.use('*', (c, next) =>
    // The request's span (a child of the caller's traceparent, if any); every log line and problem of the request names its trace.
    inRequestSpan(c, async (traceId) => {
      const d = resolve();
      c.set('deps', d);
      c.set('log', d.logger.child(traceId ? { reqId: c.get('requestId'), traceId } : { reqId: c.get('requestId') }));
      const started = performance.now();
      await next();
      // Answers built as plain Responses (problems, idempotent replays, CSV) carry it too.
      if (!c.res.headers.has('x-request-id')) c.header('x-request-id', c.get('requestId'));
      c.get('log').info({ method: c.req.method, path: maskDigitRuns(c.req.path), status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
    }),
  );
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false, contentSecurityPolicy: undefined }));
  // Before anything reads the body: a flood from one address costs one counter statement each.
  app.use('/v1/callbacks/*', limitCallbacks);
  // One limiter per size, built on first use (the configured size comes with the deps).
  const limiters = new Map<number, ReturnType<typeof limitBody>>();
  const limiter = (maxSize: number) => {
    let l = limiters.get(maxSize);
    if (!l) limiters.set(maxSize, (l = limitBody(maxSize, (cc) => problemResponse({ ...problems.payloadTooLarge(maxSize).problem, instance: cc.req.path }))));
    return l;
  };
  // The batch route has its own, larger limit; every body is bounded before anything reads it.
  app.use('/v1/*', (c, next) => limiter(c.req.path === BATCH_PATH ? BATCH_MAX_BYTES : c.get('deps').config.maxBodyBytes)(c, next));
  app.use('/v1/*', requestGuard);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A provider token (or an ops token for /v1/ops). In the sandbox, `npm start` prints one.',
  });

  // Each resource's routes carry their full paths; the order is the order of the docs page.
  const resources = [
    healthRoutes,
    redemptionRoutes,
    enrollmentRoutes,
    voucherRoutes,
    redeemCodeRoutes,
    completionBatchRoutes,
    taskRoutes,
    webhookEndpointRoutes,
    callbackRoutes,
    opsRoutes,
    opsProviderRoutes,
    opsReconciliationRoutes,
    opsActionRoutes,
    opsNameRoutes,
    opsPlatformRoutes,
    opsWebhookRoutes,
  ];
  for (const routes of resources) app.route('/', routes);
  registerEventWebhooks(app.openAPIRegistry);
  app.route('/', problemRoutes);

  // Built once, on first ask: the routes are all mounted by then and do not change.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get('/openapi.json', (c) => c.json((document ??= withRequestExamples(app.getOpenAPI31Document(OPENAPI_INFO)))));
  const { docsScript } = opts;
  if (docsScript) {
    app.get(DOCS_SCRIPT_PATH, async (c) =>
      c.body(await docsScript(), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
    );
  }
  // Self-hosted, the page makes no request elsewhere (Scalar's web fonts come from its CDN too).
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      pageTitle: 'Prakerja Partner Gateway',
      // The bearer scheme selected in the auth panel, so "Try it" sends the token pasted there.
      authentication: { preferredSecurityScheme: 'bearerAuth' },
      ...(docsScript ? { cdn: DOCS_SCRIPT_PATH, withDefaultFonts: false } : {}),
    }),
  );
  app.get('/', (c) => c.redirect('/docs'));
  // The operators' console: server-rendered pages over the same ops services, its own session and CSRF.
  app.route('/console', consoleRoutes);

  app.notFound(notFoundHandler(app));
  app.onError(onError);
  return app;
}

export type GatewayApp = ReturnType<typeof createApp>;
