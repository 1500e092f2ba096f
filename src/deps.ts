import type { Logger } from 'pino';
import { createPlatformAdapters, createPrakerja, type PartnerSettings } from '../adapters/registry.js';
import type { Fetch, PrakerjaCredentials } from '../adapters/types.js';
import type { AppDeps } from './app/context.js';
import { TokenKeys } from './auth/tokens.js';
import type { Database } from './db/database.js';
import { findProvider } from './db/catalogue-store.js';

export interface DepsInput {
  database: Database;
  partners: PartnerSettings;
  /** client_code → sign key at prakerja.go.id. */
  prakerjaKeys: Record<string, string>;
  authSecret: string;
  fetch: Fetch;
  logger: Logger;
  outboundTimeoutMs?: number;
  maxBodyBytes?: number;
  nameThresholds?: { match: number; review: number };
  now?: () => Date;
  taskPollMs?: number;
}

const PROVIDER_CACHE_MS = 60_000;

/** Wires the runtime-agnostic parts together; Node and Workers differ only in what they pass in. */
export function buildDeps(i: DepsInput): AppDeps {
  const now = i.now ?? (() => new Date());
  const ctx = { fetch: i.fetch, timeoutMs: i.outboundTimeoutMs ?? 5000, now };
  const providerRows = new Map<string, { row: Awaited<ReturnType<typeof findProvider>>; at: number }>();
  // Provider rows change rarely; a short cache keeps a DB round-trip off every request.
  const provider = async (id: string) => {
    let hit = providerRows.get(id);
    if (!hit || Date.now() - hit.at > PROVIDER_CACHE_MS) {
      hit = { row: await findProvider(i.database.db, id), at: Date.now() };
      providerRows.set(id, hit);
    }
    return hit.row;
  };

  return {
    database: i.database,
    platforms: createPlatformAdapters(i.partners, ctx),
    prakerja: createPrakerja(i.partners, ctx),
    async prakerjaCredentials(providerId): Promise<PrakerjaCredentials | undefined> {
      const code = (await provider(providerId))?.prakerjaClientCode;
      const signKey = code ? i.prakerjaKeys[code] : undefined;
      return code && signKey ? { clientCode: code, signKey } : undefined;
    },
    tokens: new TokenKeys(i.authSecret, { jwksUrlFor: async (id) => (await provider(id))?.jwksUrl ?? undefined, fetch: (u, init) => i.fetch(u, init) }),
    logger: i.logger,
    config: {
      maxBodyBytes: i.maxBodyBytes ?? 64 * 1024,
      nameThresholds: i.nameThresholds ?? { match: 0.85, review: 0.6 },
      idempotencyWaitMs: 10_000,
      taskPollMs: i.taskPollMs ?? 5_000,
      redemptionLeaseMs: 2 * ctx.timeoutMs + 1_000,
    },
    now,
  };
}
