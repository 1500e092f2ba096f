import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { outbox } from '../db/schema.js';
import type { Dispatcher } from '../outbox/dispatcher.js';
import type { Logger } from 'pino';
import type { MessageBatch, OutboxQueue, QueueMessage } from './bindings.js';

/** Cloudflare Queues delays a message at most 12 hours; a row due later is looked at again then. */
const MAX_DELAY_SECONDS = 12 * 3600;
/** sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;
/**
 * A pending row due this long ago whose message never came (a send lost after the commit, an
 * invocation cut before its waitUntil ran) is the sweeper's to send again. Longer than a queue
 * normally takes, so the sweep rarely duplicates a message in flight (a duplicate is harmless:
 * the row is leased and delivered once).
 */
export const LOST_SEND_AFTER_MS = 60_000;
/** If a batch fails as a whole (the database is unreachable), its messages come back after this. */
const FAILED_BATCH_DELAY_SECONDS = 30;

const MessageBody = z.object({ outboxId: z.number().int().positive() });

const delayUntil = (at: Date) => Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((at.getTime() - Date.now()) / 1000)));

/** Producer: one message per outbox row, sent once the transactions that wrote the rows committed. */
export async function sendOutboxIds(queue: OutboxQueue, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    await queue.sendBatch(ids.slice(i, i + SEND_BATCH).map((outboxId) => ({ body: { outboxId } })));
  }
}

/**
 * Consumer of the outbox queue: each message's row is delivered by the same dispatcher as on
 * Node (lease, handler, breaker, retry schedule, idempotency key, dead letters). A failed
 * attempt is retried by the Queue after the schedule's delay (`message.retry`); a row that is
 * not this message's to deliver now (not due, leased, breaker open, a poll) is sent again with
 * a delay instead, so those waits do not use up the Queue's retries.
 */
export async function consumeOutboxBatch(batch: MessageBatch, opts: { dispatcher: Dispatcher; queue?: OutboxQueue; logger: Logger }): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = MessageBody.safeParse(message.body);
      if (!parsed.success) {
        opts.logger.error({ messageId: message.id, issues: parsed.error.issues.map((i) => i.message) }, 'outbox queue: message is not an outbox id; dropped');
        message.ack();
        return;
      }
      try {
        await settle(message, parsed.data.outboxId, opts);
      } catch (err) {
        // The database or the queue failed, not the destination: the Queue retries the message, and
        // after max_retries it goes to the dead-letter queue (consumeDeadLetters).
        opts.logger.error({ err, outboxId: parsed.data.outboxId, attempts: message.attempts }, 'outbox queue: delivery failed before its outcome was recorded');
        message.retry({ delaySeconds: FAILED_BATCH_DELAY_SECONDS });
      }
    }),
  );
}

async function settle(message: QueueMessage, outboxId: number, opts: { dispatcher: Dispatcher; queue?: OutboxQueue }): Promise<void> {
  const r = await opts.dispatcher.deliverOne(outboxId);
  switch (r.kind) {
    case 'settled':
      message.ack();
      return;
    case 'failed':
      message.retry({ delaySeconds: delayUntil(r.retryAt) });
      return;
    case 'later':
      if (opts.queue) {
        await opts.queue.send({ outboxId }, { delaySeconds: delayUntil(r.at) });
        message.ack();
      } else {
        message.retry({ delaySeconds: delayUntil(r.at) });
      }
      return;
    default: {
      const unreachable: never = r;
      throw new Error(`unhandled delivery outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Consumer of the dead-letter queue: a message lands there when the consumer kept failing on it
 * (max_retries). Its row becomes one of the gateway's dead letters (GET /v1/ops/dead-letters,
 * replayable), with the Queue's verdict as its last error, instead of waiting for the sweeper.
 */
export async function consumeDeadLetters(batch: MessageBatch, opts: { dispatcher: Dispatcher; logger: Logger }): Promise<void> {
  for (const message of batch.messages) {
    const parsed = MessageBody.safeParse(message.body);
    if (parsed.success) {
      const dead = await opts.dispatcher.deadLetter(parsed.data.outboxId, `Cloudflare Queues dead-lettered its message after ${message.attempts} attempt(s): the consumer kept failing`);
      opts.logger.warn({ outboxId: parsed.data.outboxId, dead }, 'outbox queue: dead-letter queue message recorded');
    }
    message.ack();
  }
}

/**
 * The cron's part once a queue is bound: rows due for longer than LOST_SEND_AFTER_MS and not
 * leased are sent to the queue again. At most `limit` per run, oldest first.
 */
export async function sweepLostSends(db: Db, queue: OutboxQueue, limit: number): Promise<number> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        lt(outbox.nextAttemptAt, sql`now() - ${LOST_SEND_AFTER_MS} * interval '1 millisecond'`),
        or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit);
  await sendOutboxIds(queue, rows.map((r) => r.id));
  return rows.length;
}
