/**
 * The gateway as a Cloudflare Worker: the same app, Postgres through Hyperdrive (postgres.js),
 * Web Crypto and native fetch. The outbox goes through Cloudflare Queues when OUTBOX_QUEUE is
 * bound (the cron then only sweeps lost sends), else the cron drains it as Node's dispatcher
 * does. In sandbox mode the simulators run inside the isolate (src/workers/sandbox-in-isolate.ts).
 */
import { collectOutboxRows } from './outbox/announce.js';
import { createLogger } from './lib/logger.js';
import { otelEnvOf } from './lib/otel-settings.js';
import { finishAcceptedRedemptions } from './services/redemption.js';
import { purgeIdempotencyKeys } from './services/housekeeping.js';
import { purgeProviderEvents } from './services/webhook-endpoints.js';
import { CRON_HOUSEKEEPING, type ExecutionContextLike, type MessageBatch, type ScheduledController, type WorkerBindings } from './workers/bindings.js';
import { buildIsolate, type Isolate } from './workers/isolate.js';
import { runScheduledSteps } from './workers/scheduled-steps.js';
import { consumeDeadLetters, consumeOutboxBatch, sendOutboxIds, sweepLostSends } from './workers/outbox-queue.js';
import { workerTracing } from './workers/tracing.js';

let isolate: Promise<Isolate> | undefined;
const getIsolate = (bindings: WorkerBindings) =>
  (isolate ??= buildIsolate(bindings).catch((err: unknown) => {
    isolate = undefined; // a bad setting is fixed by a deploy; a transient failure by the next invocation
    throw err;
  }));

/** Sends the ids of the outbox rows an invocation wrote, after its work (and its commits) ended. */
function announce(w: Isolate, bindings: WorkerBindings, ctx: ExecutionContextLike, outboxIds: number[]): void {
  const queue = bindings.OUTBOX_QUEUE;
  if (!queue || outboxIds.length === 0) return;
  ctx.waitUntil(sendOutboxIds(queue, outboxIds).catch((err: unknown) => w.logger.error({ err, outboxIds }, 'outbox queue: send failed; the cron sweeper will send these rows')));
}

/**
 * Runs a handler and, with tracing on (OTEL_* variables), exports the spans ended by then after
 * it, through waitUntil: an isolate may never see another invocation, so no span waits for one.
 */
async function traced<T>(bindings: WorkerBindings, ctx: ExecutionContextLike, handle: () => Promise<T>): Promise<T> {
  const tracing = workerTracing(otelEnvOf(bindings), (err) => createLogger({ level: 'info' }).error({ err }, 'tracing: not started, check the OTEL_* variables'));
  if (!tracing) return handle();
  try {
    return await handle();
  } finally {
    ctx.waitUntil(
      tracing.flush().then(async (err) => {
        if (!err) return;
        const logger = isolate ? await isolate.then((w) => w.logger, () => undefined) : undefined;
        (logger ?? createLogger({ level: 'info' })).warn({ err }, 'tracing: spans not exported');
      }),
    );
  }
}

/** When deliveries run out of the cron (no queue bound): rounds per run, well inside a Worker's time limit. */
const CRON_DELIVERY_ROUNDS = 20;

const handlers = {
  async fetch(request: Request, bindings: WorkerBindings, ctx: ExecutionContextLike): Promise<Response> {
    const w = await getIsolate(bindings);
    const { result, outboxIds } = await collectOutboxRows(() => w.invocation(ctx, async () => w.app.fetch(request, bindings, ctx as never)));
    announce(w, bindings, ctx, outboxIds);
    return result;
  },

  /**
   * Two crons (wrangler.toml): every minute the outbox (lost sends back to the queue, or with no
   * queue bound a drain as on Node); every ten minutes the housekeeping Node runs on a timer.
   * Failures are logged through the gateway's logger, never thrown into the runtime.
   */
  async scheduled(controller: ScheduledController, bindings: WorkerBindings, ctx: ExecutionContextLike): Promise<void> {
    let w: Isolate;
    try {
      w = await getIsolate(bindings);
    } catch (err) {
      createLogger({ level: 'info' }).error({ err, cron: controller.cron }, 'scheduled: the gateway could not start');
      return;
    }
    const queue = bindings.OUTBOX_QUEUE;
    const { outboxIds } = await collectOutboxRows(() =>
      w.invocation(ctx, () =>
        controller.cron === CRON_HOUSEKEEPING
          ? runScheduledSteps(w.logger, {
              purgeIdempotencyKeys: () => purgeIdempotencyKeys(w.deps.database.db),
              finishAcceptedRedemptions: () => finishAcceptedRedemptions(w.deps.database.db),
              purgeProviderEvents: () => purgeProviderEvents(w.deps.database.db),
            }, { cron: controller.cron })
          : runScheduledSteps(w.logger, {
              outbox: () =>
                queue
                  ? sweepLostSends(w.deps.database.db, queue, w.env.DISPATCH_BATCH * CRON_DELIVERY_ROUNDS)
                  : w.dispatcher.drain({ maxRounds: CRON_DELIVERY_ROUNDS, horizonMs: 0 }),
            }, { cron: controller.cron }),
      ),
    );
    announce(w, bindings, ctx, outboxIds);
  },

  /** The outbox queue's consumer, and the dead-letter queue's (told apart by the queue's name). */
  async queue(batch: MessageBatch, bindings: WorkerBindings, ctx: ExecutionContextLike): Promise<void> {
    const w = await getIsolate(bindings);
    const { outboxIds } = await collectOutboxRows(() =>
      w.invocation(ctx, () =>
        batch.queue === bindings.OUTBOX_DEAD_LETTER_QUEUE
          ? consumeDeadLetters(batch, { dispatcher: w.dispatcher, logger: w.logger })
          : consumeOutboxBatch(batch, { dispatcher: w.dispatcher, queue: bindings.OUTBOX_QUEUE, logger: w.logger }),
      ),
    );
    // Rows the deliveries wrote (a dead letter's delivery.dead_lettered webhook, say) go out at once too.
    announce(w, bindings, ctx, outboxIds);
  },
};

export default {
  fetch: (request: Request, bindings: WorkerBindings, ctx: ExecutionContextLike) => traced(bindings, ctx, () => handlers.fetch(request, bindings, ctx)),
  scheduled: (controller: ScheduledController, bindings: WorkerBindings, ctx: ExecutionContextLike) => traced(bindings, ctx, () => handlers.scheduled(controller, bindings, ctx)),
  queue: (batch: MessageBatch, bindings: WorkerBindings, ctx: ExecutionContextLike) => traced(bindings, ctx, () => handlers.queue(batch, bindings, ctx)),
};
