import { PLATFORM_IDS, PLATFORMS, type PlatformId } from '../../adapters/registry.js';

/**
 * The sandbox's little world: two providers, their courses, participants registered at
 * prakerja.go.id, and vouchers bought on each platform. Names vary the way real records do, so
 * the tour shows a match, a borderline review and a refused mismatch.
 */
export const DEMO_PROVIDERS = [
  { id: 'prv-komputer-jaya', name: 'LPK Komputer Jaya', prakerjaClientCode: 'LP-DEMO-001' },
  { id: 'prv-bahasa-nusantara', name: 'Bahasa Nusantara Academy', prakerjaClientCode: 'LP-DEMO-002' },
] as const;

export const DEMO_COURSES = [
  { id: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', title: 'Microsoft Excel untuk Admin Kantor' },
  { id: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', title: 'Digital Marketing untuk UMKM' },
  { id: 'CRS-ENG-01', providerId: 'prv-bahasa-nusantara', title: 'Bahasa Inggris untuk Pelayanan Hotel' },
] as const;

export const DEMO_PARTICIPANTS = [
  { cardNumber: '5201123456780001', name: 'Siti Rahmawati', status: 'active' },
  { cardNumber: '5201123456780002', name: 'Muhammad Rizky Pratama', status: 'active' },
  { cardNumber: '3173012345670003', name: 'Ni Made Ayu Lestari', status: 'active' },
  { cardNumber: '3578098765430004', name: 'Bambang Wijaya', status: 'active' },
  { cardNumber: '3273011122330005', name: 'Dewi Sartika Putri', status: 'active' },
  { cardNumber: '6471055566770006', name: 'Agus Santoso', status: 'active' },
  { cardNumber: '1271099988870007', name: 'Rudi Hartono', status: 'revoked' },
] as const;

/** Vouchers bought on each platform: each platform's definition carries its own (`demoVouchers`). */
export const DEMO_VOUCHERS = PLATFORMS.flatMap((d) => (d.demoVouchers ?? []).map((v) => ({ ...v, platform: d.id })));

/** prakerja.go.id redeem codes (per-session), relative to start-up so the webinar window is live. */
export function demoRedeemCodes(now: Date) {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  // Which platform sold a redeem code matters to no rule here; spread over the registered ones.
  const dp = (i: number) => PLATFORM_IDS[i % PLATFORM_IDS.length];
  return [
    { redeemCode: 'RC-SPL-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-EXCEL-01', courseType: 'spl', scheduleStart: at(-60 * 24), scheduleEnd: at(60 * 24 * 30), status: 'valid', invoiceCode: 'INV-0001', dpPlatform: dp(0) },
    { redeemCode: 'RC-WEB-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-DIGMKT-02', courseType: 'webinar', scheduleStart: at(30), scheduleEnd: at(150), status: 'valid', invoiceCode: 'INV-0002', dpPlatform: dp(1) },
    { redeemCode: 'RC-WEB-0002', sequence: 2, clientCode: 'LP-DEMO-001', courseCode: 'CRS-DIGMKT-02', courseType: 'webinar', scheduleStart: at(60 * 24 * 3), scheduleEnd: at(60 * 24 * 3 + 120), status: 'valid', invoiceCode: 'INV-0003', dpPlatform: dp(1) },
    { redeemCode: 'RC-USED-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-EXCEL-01', courseType: 'spl', scheduleStart: at(-60), scheduleEnd: at(60 * 24), status: 'used', invoiceCode: 'INV-0004', dpPlatform: dp(0) },
    { redeemCode: 'RC-CANCEL-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-EXCEL-01', courseType: 'spl', scheduleStart: at(-60), scheduleEnd: at(60 * 24), status: 'cancelled', invoiceCode: 'INV-0005', dpPlatform: dp(2) },
    { redeemCode: 'RC-OTHER-0001', sequence: 1, clientCode: 'LP-DEMO-002', courseCode: 'CRS-ENG-01', courseType: 'offline', scheduleStart: at(-60), scheduleEnd: at(60 * 24), status: 'valid', invoiceCode: 'INV-0006', dpPlatform: dp(3) },
  ] as const;
}

/** Each platform's secrets whose sandbox value is published in this repository (generated keys are not). */
export const PLATFORM_SANDBOX_SECRETS: Record<string, string[]> = Object.fromEntries(
  PLATFORMS.map((d) => [d.id, Object.values(d.settings).flatMap((s) => (s.secret ? [s.sandbox({ baseUrl: '', keys: {} })].filter(Boolean) : []))]),
);

/** Sandbox-only secrets: real deployments take every secret from the environment. */
const GATEWAY_SANDBOX_SECRETS = {
  auth: 'sandbox-auth-secret-not-for-production-0000000000',
  /** Each platform's first published secret, by id (all of them: PLATFORM_SANDBOX_SECRETS). */
  prakerjaDefaultKey: 'sandbox-prakerja-key-001',
  prakerjaCallback: 'sandbox-prakerja-callback-key',
  prakerjaKeys: { 'LP-DEMO-002': 'sandbox-prakerja-key-002' } as Record<string, string>,
} as const;

/** The gateway's and prakerja.go.id's sandbox secrets, and each platform's first published one by id. */
export const SANDBOX_SECRETS: typeof GATEWAY_SANDBOX_SECRETS & Readonly<Record<PlatformId, string>> = {
  ...GATEWAY_SANDBOX_SECRETS,
  // Every registered platform has an entry, from its definition: exactly PlatformId's keys.
  ...(Object.fromEntries(PLATFORMS.map((d) => [d.id, PLATFORM_SANDBOX_SECRETS[d.id][0] ?? ''])) as Record<PlatformId, string>),
};
