/**
 * What a Worker is given besides its string variables (wrangler.toml). Typed here rather than
 * from @cloudflare/workers-types: the gateway uses a handful of members, and the rest of the
 * code base is typed against Node's globals.
 */
export interface QueueSendOptions {
  delaySeconds?: number;
}

export interface OutboxQueue {
  send(body: OutboxMessageBody, options?: QueueSendOptions): Promise<void>;
  sendBatch(messages: Iterable<{ body: OutboxMessageBody; delaySeconds?: number }>): Promise<void>;
}

/** A queue message names an outbox row; the row, not the message, holds what to send. */
export interface OutboxMessageBody {
  outboxId: number;
}

export interface QueueMessage {
  readonly id: string;
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: QueueSendOptions): void;
}

export interface MessageBatch {
  readonly queue: string;
  readonly messages: readonly QueueMessage[];
}

export interface ScheduledController {
  readonly cron: string;
  readonly scheduledTime: number;
}

export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

export interface WorkerBindings {
  /** Postgres through Hyperdrive; `DATABASE_URL` (a var or secret) is used when it is not bound. */
  HYPERDRIVE?: { connectionString: string };
  /** The outbox queue's producer binding; without it the cron drains the outbox as on Node. */
  OUTBOX_QUEUE?: OutboxQueue;
  /** The name of the dead-letter queue, so the consumer knows a batch from it (wrangler.toml). */
  OUTBOX_DEAD_LETTER_QUEUE?: string;
  [name: string]: unknown;
}

/** The two crons of wrangler.toml: the outbox sweep every minute, housekeeping every ten. */
export const CRON_OUTBOX_SWEEP = '* * * * *';
export const CRON_HOUSEKEEPING = '*/10 * * * *';
