import { z } from 'zod';
import { TOKOPEDIA_ERRORS } from './errors.js';
import { TOKOPEDIA_STATUS_MAP } from './status.js';
import { commaList, definePlatform } from '../../src/contract/platform.js';
import { createTokopediaAdapter } from './index.js';

/** Published with the repository: the sandbox simulator signs its webhooks with it. */
const SANDBOX_WEBHOOK_SECRET = 'tokopedia-sandbox-webhook-secret';

export const tokopedia = definePlatform({
  id: 'tokopedia',
  displayName: 'Tokopedia',
  voucherCodePattern: /^[A-Z0-9]{12}$/,
  sampleCode: (i) => `TK${String(i).padStart(10, '0')}`,
  callbackScheme: 'Standard Webhooks (webhook-id/-timestamp/-signature, HMAC-SHA256)',
  capabilities: { delivery: 'provider_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: TOKOPEDIA_STATUS_MAP, errors: TOKOPEDIA_ERRORS },
  settings: {
    baseUrl: { env: 'TOKOPEDIA_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    clientId: { env: 'TOKOPEDIA_CLIENT_ID', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    secret: { env: 'TOKOPEDIA_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'sandbox-tokopedia-secret' },
    /** Comma-separated: any one verifies a callback, so the secret can rotate. */
    webhookSecrets: { env: 'TOKOPEDIA_WEBHOOK_SECRETS', schema: commaList, secret: true, sandbox: () => SANDBOX_WEBHOOK_SECRET },
  },
  demoVouchers: [
    { code: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', buyerName: 'siti rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'TKPQ9W8E7R6T', cardNumber: '6471055566770006', buyerName: 'Budi Santoso', buyerEmail: 'budi.s@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'TKPX5Y6Z7A8B', cardNumber: '3273011122330005', buyerName: 'Dewi Sartika', buyerEmail: 'dewi.s@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'TKPEXPIRED01', cardNumber: '5201123456780001', buyerName: 'Siti Rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: -1 },
  ],
  createAdapter: (c, ctx) => createTokopediaAdapter(c, ctx),
  async loadSimulator() {
    const { createTokopediaSimulator } = await import('./simulator.js');
    return (s) => createTokopediaSimulator(s.config, undefined, s.now, { webhookSecrets: s.config.webhookSecrets, callback: s.callback });
  },
});
