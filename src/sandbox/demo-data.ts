import type { SimVoucher } from '../../adapters/shared/simulator-kit.js';
import type { PlatformId } from '../domain/types.js';

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

type DemoVoucher = Omit<SimVoucher, 'purchasedAt' | 'expiresAt' | 'state' | 'courseTitle'> & { platform: PlatformId; expiresInDays: number };

export const DEMO_VOUCHERS: DemoVoucher[] = [
  { platform: 'tokopedia', code: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', buyerName: 'siti rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  { platform: 'tokopedia', code: 'TKPQ9W8E7R6T', cardNumber: '6471055566770006', buyerName: 'Budi Santoso', buyerEmail: 'budi.s@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  { platform: 'tokopedia', code: 'TKPX5Y6Z7A8B', cardNumber: '3273011122330005', buyerName: 'Dewi Sartika', buyerEmail: 'dewi.s@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  { platform: 'tokopedia', code: 'TKPEXPIRED01', cardNumber: '5201123456780001', buyerName: 'Siti Rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: -1 },
  { platform: 'bukalapak', code: 'BL0000000001', cardNumber: '5201123456780002', buyerName: 'Muhamad Rizky Pratama', buyerEmail: 'rizky@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  { platform: 'bukalapak', code: 'BL0000000002', cardNumber: '3173012345670003', buyerName: 'Ayu Lestari', buyerEmail: 'ayu@example.id', courseId: 'CRS-ENG-01', providerId: 'prv-bahasa-nusantara', expiresInDays: 30 },
  { platform: 'kemnaker', code: 'SK-2026-000001', cardNumber: '3578098765430004', buyerName: 'Bambang Wijaya', buyerEmail: 'bambang@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  { platform: 'kemnaker', code: 'SK-2026-000002', cardNumber: '5201123456780001', buyerName: 'Siti Rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-ENG-01', providerId: 'prv-bahasa-nusantara', expiresInDays: 30 },
  { platform: 'kariermu', code: 'KMU-AB12CD34', cardNumber: '3273011122330005', buyerName: 'Dewi Sartika Putri, S.Kom.', buyerEmail: 'dewi.s@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  { platform: 'kariermu', code: 'KMU-ZX98YW76', cardNumber: '3578098765430004', buyerName: 'Dr. Ir. Bambang Wijaya, M.M.', buyerEmail: 'bambang@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
];

/** prakerja.go.id redeem codes (per-session), relative to start-up so the webinar window is live. */
export function demoRedeemCodes(now: Date) {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  return [
    { redeemCode: 'RC-SPL-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-EXCEL-01', courseType: 'spl', scheduleStart: at(-60 * 24), scheduleEnd: at(60 * 24 * 30), status: 'valid', invoiceCode: 'INV-0001', dpPlatform: 'tokopedia' },
    { redeemCode: 'RC-WEB-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-DIGMKT-02', courseType: 'webinar', scheduleStart: at(30), scheduleEnd: at(150), status: 'valid', invoiceCode: 'INV-0002', dpPlatform: 'bukalapak' },
    { redeemCode: 'RC-WEB-0002', sequence: 2, clientCode: 'LP-DEMO-001', courseCode: 'CRS-DIGMKT-02', courseType: 'webinar', scheduleStart: at(60 * 24 * 3), scheduleEnd: at(60 * 24 * 3 + 120), status: 'valid', invoiceCode: 'INV-0003', dpPlatform: 'bukalapak' },
    { redeemCode: 'RC-USED-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-EXCEL-01', courseType: 'spl', scheduleStart: at(-60), scheduleEnd: at(60 * 24), status: 'used', invoiceCode: 'INV-0004', dpPlatform: 'tokopedia' },
    { redeemCode: 'RC-CANCEL-0001', sequence: 1, clientCode: 'LP-DEMO-001', courseCode: 'CRS-EXCEL-01', courseType: 'spl', scheduleStart: at(-60), scheduleEnd: at(60 * 24), status: 'cancelled', invoiceCode: 'INV-0005', dpPlatform: 'kemnaker' },
    { redeemCode: 'RC-OTHER-0001', sequence: 1, clientCode: 'LP-DEMO-002', courseCode: 'CRS-ENG-01', courseType: 'offline', scheduleStart: at(-60), scheduleEnd: at(60 * 24), status: 'valid', invoiceCode: 'INV-0006', dpPlatform: 'kariermu' },
  ] as const;
}

/** Sandbox-only secrets: real deployments take every secret from the environment. */
export const SANDBOX_SECRETS = {
  auth: 'sandbox-auth-secret-not-for-production-0000000000',
  tokopedia: 'sandbox-tokopedia-secret',
  bukalapak: 'sandbox-bukalapak-secret',
  kemnaker: 'sandbox-kemnaker-secret',
  prakerjaDefaultKey: 'sandbox-prakerja-key-001',
  prakerjaCallback: 'sandbox-prakerja-callback-key',
  prakerjaKeys: { 'LP-DEMO-002': 'sandbox-prakerja-key-002' } as Record<string, string>,
} as const;
