import { z } from 'zod';
import { definePlatform } from '../../src/contract/platform.js';
import { SEKOLAHMU_ERRORS } from './errors.js';
import { createSekolahmuAdapter } from './index.js';
import { SEKOLAHMU_STATUS_MAP } from './status.js';

export const sekolahmu = definePlatform({
  id: 'sekolahmu',
  displayName: 'Sekolahmu',
  voucherCodePattern: /^SKM[0-9]{9}$/,
  sampleCode: (i) => `SKM${String(i % 1_000_000_000).padStart(9, '0')}`,
  callbackScheme: 'X-Sekolahmu-Signature sha256= HMAC-SHA256 over timestamp.body (modelled)',
  // Sekolahmu teaches on its own platform: its callbacks start the enrollment.
  capabilities: { delivery: 'platform_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: SEKOLAHMU_STATUS_MAP, errors: SEKOLAHMU_ERRORS },
  settings: {
    baseUrl: { env: 'SEKOLAHMU_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    clientId: { env: 'SEKOLAHMU_CLIENT_ID', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    secret: { env: 'SEKOLAHMU_SECRET', schema: z.string().min(32), secret: true, sandbox: () => 'sandbox-sekolahmu-secret-0000000000000000' },
  },
  demoVouchers: [
    { code: 'SKM000000001', cardNumber: '3273011122330005', buyerName: 'Dewi Sartika Putri', buyerEmail: 'dewi.s@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  ],
  createAdapter: (c, ctx) => createSekolahmuAdapter(c, ctx),
  async loadSimulator() {
    const { createSekolahmuSimulator } = await import('./simulator.js');
    return (s) => createSekolahmuSimulator(s.config, undefined, s.now, { callback: s.callback });
  },
});
