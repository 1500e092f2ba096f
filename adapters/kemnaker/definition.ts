import { z } from 'zod';
import { KEMNAKER_ERRORS } from './errors.js';
import { KEMNAKER_STATUS_MAP } from './status.js';
import { definePlatform } from '../../src/contract/platform.js';
import { createKemnakerAdapter } from './index.js';

export const kemnaker = definePlatform({
  id: 'kemnaker',
  displayName: 'Kemnaker (Sisnaker)',
  voucherCodePattern: /^SK-[0-9]{4}-[0-9]{6}$/,
  sampleCode: (i) => `SK-${2026 + Math.floor(i / 1_000_000)}-${String(i % 1_000_000).padStart(6, '0')}`,
  callbackScheme: 'SNAP BI X-SIGNATURE HMAC-SHA512',
  // Sisnaker must accept the reported grade (NILAI_DITERIMA) before the certificate counts.
  capabilities: { delivery: 'provider_delivered', gradeAcceptance: true, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: KEMNAKER_STATUS_MAP, errors: KEMNAKER_ERRORS },
  settings: {
    baseUrl: { env: 'KEMNAKER_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    partnerId: { env: 'KEMNAKER_PARTNER_ID', schema: z.string().min(1), default: 'PRAKERJAGW', sandbox: () => 'PRAKERJAGW' },
    clientSecret: { env: 'KEMNAKER_CLIENT_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'sandbox-kemnaker-secret' },
  },
  demoVouchers: [
    { code: 'SK-2026-000001', cardNumber: '3578098765430004', buyerName: 'Bambang Wijaya', buyerEmail: 'bambang@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'SK-2026-000002', cardNumber: '5201123456780001', buyerName: 'Siti Rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-ENG-01', providerId: 'prv-bahasa-nusantara', expiresInDays: 30 },
  ],
  createAdapter: (c, ctx) => createKemnakerAdapter(c, ctx),
  async loadSimulator() {
    const { createKemnakerSimulator } = await import('./simulator.js');
    return (s) => createKemnakerSimulator(s.config, undefined, s.now, { callback: s.callback });
  },
});
