import type { PlatformId } from '../src/domain/types.js';
import { createBukalapakAdapter, type BukalapakConfig } from './bukalapak/index.js';
import { createKariermuAdapter, type KariermuConfig } from './kariermu/index.js';
import { createKemnakerAdapter, type KemnakerConfig } from './kemnaker/index.js';
import { createPrakerjaAdapter, type PrakerjaConfig } from './prakerja/index.js';
import { createTokopediaAdapter, type TokopediaConfig } from './tokopedia/index.js';
import type { AdapterContext, PlatformAdapter, PrakerjaAdapter } from './types.js';

/** Each platform's own settings; adding a platform adds one entry here and one folder. */
export interface PartnerSettings {
  tokopedia: TokopediaConfig;
  bukalapak: BukalapakConfig;
  kemnaker: KemnakerConfig;
  kariermu: KariermuConfig;
  prakerja: PrakerjaConfig;
}

export function createPlatformAdapters(s: PartnerSettings, ctx: AdapterContext): Record<PlatformId, PlatformAdapter> {
  return {
    tokopedia: createTokopediaAdapter(s.tokopedia, ctx),
    bukalapak: createBukalapakAdapter(s.bukalapak, ctx),
    kemnaker: createKemnakerAdapter(s.kemnaker, ctx),
    kariermu: createKariermuAdapter(s.kariermu, ctx),
  };
}

export function createPrakerja(s: PartnerSettings, ctx: AdapterContext): PrakerjaAdapter {
  return createPrakerjaAdapter(s.prakerja, ctx);
}
