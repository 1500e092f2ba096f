import { z } from 'zod';
import { definePlatform } from '../../src/contract/platform.js';
import { PIJAR_ERRORS } from './errors.js';
import { createPijarAdapter } from './index.js';
import { PIJAR_STATUS_MAP } from './status.js';

export const pijarmahir = definePlatform({
  id: 'pijarmahir',
  displayName: 'Pijar Mahir',
  voucherCodePattern: /^PJR-[0-9A-Z]{10}$/,
  sampleCode: (i) => `PJR-${i.toString(36).toUpperCase().padStart(10, '0')}`,
  callbackScheme: 'Pijar-Signature t=…,v1=… HMAC-SHA256 over t.body (modelled)',
  // Pijar Mahir teaches on its own learning system: its callbacks start the enrollment.
  capabilities: { delivery: 'platform_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: PIJAR_STATUS_MAP, errors: PIJAR_ERRORS },
  settings: {
    baseUrl: { env: 'PIJARMAHIR_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    keyId: { env: 'PIJARMAHIR_KEY_ID', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    secret: { env: 'PIJARMAHIR_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'sandbox-pijarmahir-secret' },
  },
  demoVouchers: [
    { code: 'PJR-00000DEMO1', cardNumber: '5201123456780001', buyerName: 'Siti Rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'PJR-00000DEMO2', cardNumber: '3578098765430004', buyerName: 'Bambang W.', buyerEmail: 'bambang@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  ],
  createAdapter: (c, ctx) => createPijarAdapter(c, ctx),
  async loadSimulator() {
    const { createPijarSimulator } = await import('./simulator.js');
    return (s) => createPijarSimulator(s.config, undefined, s.now, { callback: s.callback });
  },
});
