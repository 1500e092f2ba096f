import type { Logger } from 'pino';
import { createPrakerjaAdapter } from '../adapters/prakerja/index.js';
import { createPlatformAdapters } from '../adapters/registry.js';
import type { PlatformDefinition } from './contract/platform.js';
import type { PartnerSettings } from './partner-settings.js';
import type { Fetch, PrakerjaCredentials, Transport } from './contract/adapter.js';
import type { AppDeps } from './app/context.js';
import { TokenKeys } from './auth/tokens.js';
import type { Database } from './db/database.js';
import { findProvider } from './db/catalogue-store.js';
import { providerCredentialStates } from './services/ops/providers.js';
import { SANDBOX_SECRETS_KEY, SecretBox, signKeyContext } from './lib/secrets.js';
import { outboundGate, type OutboundCaps } from './lib/outbound-gate.js';
import { tracedAdapter } from './lib/tracing.js';

export interface DepsInput {
  database: Database;
  partners: PartnerSettings;
  /** client_code → sign key at prakerja.go.id. */
  prakerjaKeys: Record<string, string>;
  authSecret: string;
  /** The platforms to serve; the registry's by default (a test may add one defined in test/). */
  platformDefinitions?: readonly PlatformDefinition[];
  /**
   * Base64 of 32 bytes sealing secrets at rest (SECRETS_KEY). env.ts requires it outside the
   * sandbox; the sandbox and tests may leave it to the published sandbox key.
   */
  secretsKey?: string;
  fetch: Fetch;
  /** Node's partner transport (src/node/outbound.ts); without it partner calls go through `fetch`. */
  transport?: Transport;
  logger: Logger;
  outboundTimeoutMs?: number;
  /** Per-partner caps on outbound calls (OUTBOUND_*); unset, calls are not capped. */
  outboundCaps?: OutboundCaps;
  maxBodyBytes?: number;
  nameThresholds?: { match: number; review: number };
  now?: () => Date;
  taskPollMs?: number;
}

/**
 * How long a provider row is trusted without reading it again. A change made through this
 * process (deactivation) forgets the row at once; other instances see it within this time.
 */
const PROVIDER_CACHE_MS = 10_000;

interface ProviderEntry {
  row: NonNullable<Awaited<ReturnType<typeof findProvider>>>;
  at: number;
  credentials: Map<string, 'valid' | 'revoked'>;
  signKey?: Promise<string | undefined>;
}

const tracedAdapters = <K extends string, A extends object>(adapters: Record<K, A>): Record<K, A> =>
  Object.fromEntries(Object.entries<A>(adapters).map(([id, a]) => [id, tracedAdapter(a)])) as Record<K, A>;

/** Wires the runtime-agnostic parts together; Node and Workers differ only in what they pass in. */
export function buildDeps(i: DepsInput): AppDeps {
  const now = i.now ?? (() => new Date());
  const ctx = { fetch: i.fetch, transport: i.transport, timeoutMs: i.outboundTimeoutMs ?? 5000, now, gate: i.outboundCaps ? outboundGate(i.outboundCaps) : undefined };
  const secrets = new SecretBox(i.secretsKey ?? SANDBOX_SECRETS_KEY);
  const providerRows = new Map<string, ProviderEntry>();
  // Provider rows change rarely; a short cache keeps a DB round-trip off every request. A miss is
  // not remembered: a provider added a moment later must work at once. The entry also keeps its
  // credentials' states and, once opened, its sign key, so both go with the row they came from.
  const provider = async (id: string): Promise<ProviderEntry | undefined> => {
    const hit = providerRows.get(id);
    if (hit && Date.now() - hit.at <= PROVIDER_CACHE_MS) return hit;
    const row = await findProvider(i.database.db, id);
    if (!row) {
      providerRows.delete(id);
      return undefined;
    }
    const entry: ProviderEntry = { row, at: Date.now(), credentials: await providerCredentialStates(i.database.db, id, now()) };
    providerRows.set(id, entry);
    return entry;
  };
  /** The DB's sealed key first (set by operators), else the environment's for the client code. */
  const signKeyOf = async (entry: ProviderEntry): Promise<string | undefined> => {
    const sealed = entry.row.prakerjaSignKeySealed;
    if (!sealed) return entry.row.prakerjaClientCode ? i.prakerjaKeys[entry.row.prakerjaClientCode] : undefined;
    entry.signKey ??= secrets.open(sealed, signKeyContext(entry.row.id)).catch((e: Error) => {
      // A key that does not open (SECRETS_KEY changed) is as if missing: the provider gets
      // prakerja_credentials_missing and the log says why; the next read tries again.
      i.logger.error({ providerId: entry.row.id, err: e.message }, 'prakerja sign key does not open');
      entry.signKey = undefined;
      return undefined;
    });
    return entry.signKey;
  };

  return {
    database: i.database,
    // Each method's name becomes the operation on the span of the partner call it makes.
    platforms: tracedAdapters(createPlatformAdapters(i.partners.platforms, ctx, i.platformDefinitions)),
    prakerja: tracedAdapter(createPrakerjaAdapter(i.partners.prakerja, ctx)),
    async prakerjaCredentials(providerId): Promise<PrakerjaCredentials | undefined> {
      const entry = await provider(providerId);
      const code = entry?.row.prakerjaClientCode;
      const signKey = entry && code ? await signKeyOf(entry) : undefined;
      return code && signKey ? { clientCode: code, signKey } : undefined;
    },
    async providerStatus(providerId, credentialId) {
      const entry = await provider(providerId);
      if (!entry) return 'unknown';
      if (!entry.row.active) return 'inactive';
      // An operator-issued credential counts only while its row says so: revoked, expired or
      // unknown (issued before a database restore, say) are all refused.
      if (credentialId !== undefined && entry.credentials.get(credentialId) !== 'valid') return 'revoked';
      return 'active';
    },
    forgetProvider(providerId) {
      providerRows.delete(providerId);
    },
    secrets,
    tokens: new TokenKeys(i.authSecret, { jwksUrlFor: async (id) => (await provider(id))?.row.jwksUrl ?? undefined, fetch: (u, init) => i.fetch(u, init) }),
    logger: i.logger,
    config: {
      maxBodyBytes: i.maxBodyBytes ?? 64 * 1024,
      nameThresholds: i.nameThresholds ?? { match: 0.85, review: 0.6 },
      idempotencyWaitMs: 10_000,
      taskPollMs: i.taskPollMs ?? 5_000,
      redemptionLeaseMs: 3 * ctx.timeoutMs + 5_000,
    },
    now,
  };
}
