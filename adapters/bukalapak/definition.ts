import { z } from 'zod';
import { BUKALAPAK_ERRORS, BUKALAPAK_OAUTH_ERRORS } from './errors.js';
import { BUKALAPAK_STATUS_MAP } from './status.js';
import { definePlatform } from '../../src/contract/platform.js';
import { createBukalapakAdapter } from './index.js';

export const bukalapak = definePlatform({
  id: 'bukalapak',
  displayName: 'Bukalapak',
  voucherCodePattern: /^BL[0-9]{10}$/,
  sampleCode: (i) => `BL${String(i).padStart(10, '0')}`,
  callbackScheme: 'X-Bukalapak-Signature HMAC-SHA256',
  capabilities: { delivery: 'provider_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: BUKALAPAK_STATUS_MAP, errors: { ...BUKALAPAK_ERRORS, ...BUKALAPAK_OAUTH_ERRORS } },
  settings: {
    baseUrl: { env: 'BUKALAPAK_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    clientId: { env: 'BUKALAPAK_CLIENT_ID', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    clientSecret: { env: 'BUKALAPAK_CLIENT_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'sandbox-bukalapak-secret' },
    webhookSecret: { env: 'BUKALAPAK_WEBHOOK_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'bukalapak-sandbox-webhook-secret' },
  },
  demoVouchers: [
    { code: 'BL0000000001', cardNumber: '5201123456780002', buyerName: 'Muhamad Rizky Pratama', buyerEmail: 'rizky@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'BL0000000002', cardNumber: '3173012345670003', buyerName: 'Ayu Lestari', buyerEmail: 'ayu@example.id', courseId: 'CRS-ENG-01', providerId: 'prv-bahasa-nusantara', expiresInDays: 30 },
  ],
  createAdapter: (c, ctx) => createBukalapakAdapter(c, ctx),
  async loadSimulator() {
    const { createBukalapakSimulator } = await import('./simulator.js');
    return (s) => createBukalapakSimulator(s.config, undefined, s.now, { webhookSecret: s.config.webhookSecret, callback: s.callback });
  },
});
