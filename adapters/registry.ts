import type { AdapterContext, PlatformAdapter } from '../src/contract/adapter.js';
import type { PlatformDefinition, RawSettings } from '../src/contract/platform.js';
import { bukalapak } from './bukalapak/definition.js';
import { kariermu } from './kariermu/definition.js';
import { kemnaker } from './kemnaker/definition.js';
import { maubelajarapa } from './maubelajarapa/definition.js';
import { pijarmahir } from './pijarmahir/definition.js';
import { pintaria } from './pintaria/definition.js';
import { sekolahmu } from './sekolahmu/definition.js';
import { tokopedia } from './tokopedia/definition.js';

/**
 * Every platform the gateway knows, as definitions. This array is the only list: platform ids,
 * environment variables, sandbox, callback routes, reconciliation and health derive from it.
 * Adding a platform: its folder under adapters/ with a definition.ts, and one entry here.
 */
export const PLATFORMS = [tokopedia, bukalapak, kemnaker, kariermu, pijarmahir, maubelajarapa, sekolahmu, pintaria] as const;

export type PlatformId = (typeof PLATFORMS)[number]['id'];

// A non-empty tuple, as z.enum needs; the array above is non-empty by construction.
export const PLATFORM_IDS = PLATFORMS.map((p) => p.id) as [PlatformId, ...PlatformId[]];

/** Each platform's settings, as raw strings from the environment or the sandbox, keyed by platform id. */
export type PlatformSettings = Readonly<Record<string, RawSettings>>;

/** One adapter per definition (the registry's by default; tests may pass their own list). */
export function createPlatformAdapters(settings: PlatformSettings, ctx: AdapterContext, definitions: readonly PlatformDefinition[] = PLATFORMS): Record<PlatformId, PlatformAdapter> {
  const adapters: Record<string, PlatformAdapter> = {};
  for (const d of definitions) {
    const adapter = d.createAdapter(settings[d.id] ?? {}, ctx);
    if (adapter.id !== d.id) throw new Error(`platform definition ${d.id} built an adapter for ${adapter.id}`);
    adapters[d.id] = adapter;
  }
  // Keyed by every definition passed; with the default list that is exactly PlatformId.
  return adapters as Record<PlatformId, PlatformAdapter>;
}

export function platformDefinition(id: string, definitions: readonly PlatformDefinition[] = PLATFORMS): PlatformDefinition | undefined {
  return definitions.find((d) => d.id === id);
}
