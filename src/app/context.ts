import type { Logger } from 'pino';
import type { PlatformAdapter, PrakerjaAdapter, PrakerjaCredentials, Transport } from '../contract/adapter.js';
import type { Caller, TokenKeys } from '../auth/tokens.js';
import type { Database } from '../db/database.js';
import type { SecretBox } from '../lib/secrets.js';
import type { NameThresholds } from '../domain/names/index.js';
import type { PlatformId } from '../domain/types.js';
import type { RateLimitPolicies } from '../domain/rate-limits.js';
import type { Context } from 'hono';

/** Everything a request handler may use; built once per process (or per Worker isolate). */
export interface AppDeps {
  database: Database;
  platforms: Record<PlatformId, PlatformAdapter>;
  prakerja: PrakerjaAdapter;
  /** A provider's prakerja.go.id credentials; undefined when the provider has none configured. */
  prakerjaCredentials(providerId: string): Promise<PrakerjaCredentials | undefined>;
  /**
   * Whether a provider may call the gateway: its tokens are refused unless it is known and active,
   * and a token naming an operator-issued credential also unless that credential is valid.
   */
  providerStatus(providerId: string, credentialId?: string): Promise<'active' | 'inactive' | 'unknown' | 'revoked'>;
  /** Forgets what is cached of a provider after it changed (deactivated, new credentials). */
  forgetProvider(providerId: string): void;
  /** Seals and opens secrets kept in the database (SECRETS_KEY). */
  secrets: SecretBox;
  tokens: TokenKeys;
  logger: Logger;
  config: {
    maxBodyBytes: number;
    nameThresholds: NameThresholds;
    /** How long a duplicate request waits for the first one under the same Idempotency-Key. */
    idempotencyWaitMs: number;
    /** How long after a practical task is submitted its status is polled at prakerja.go.id. */
    taskPollMs: number;
    /**
     * How long a redemption owns its voucher's claim while it asks the platform; after that a
     * later attempt may take over. Longer than the platform call can take.
     */
    redemptionLeaseMs: number;
  };
  now(): Date;
  /**
   * The in-process dispatcher's circuit breakers (DestinationBreakers.snapshot()), when this
   * process runs one; GET /v1/ops/platforms estimates the circuit from the outbox otherwise.
   */
  breakers?: () => BreakerSnapshot[];
  /**
   * Provider webhooks: plain http to loopback accepted (sandbox only), the answer timeout, the fetch
   * that sends them (tests), Node's wire transport that sends them instead (no web
   * Request/Response/AbortSignal per delivery), and how old a feed event must be before GET
   * /v1/events shows it.
   */
  webhooks?: { allowLoopbackHttp?: boolean; timeoutMs?: number; fetch?: typeof fetch; transport?: Transport; feedSettleMs?: number };
  /**
   * Inbound rate limits (src/app/rate-limit.ts), counted in the database; unset, nothing is
   * limited. `sourceAddress` keys the callback door: the runtime knows where a request came from.
   */
  rateLimits?: { policies: RateLimitPolicies; sourceAddress: (c: Context<AppEnv>) => string | undefined };
}

export interface BreakerSnapshot {
  destination: string;
  state: string;
  failures: number;
  successes: number;
}

/**
 * What reads a request's variables: `c.get(name)`. Not `c.var.name`: hono's `var` getter copies
 * every variable into a new object on each read, a dozen times per request on the hot path.
 */
export type RequestVars = Pick<Context<AppEnv>, 'get'>;

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    caller: Caller;
    log: Logger;
    requestId: string;
  };
};
