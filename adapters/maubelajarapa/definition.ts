import { z } from 'zod';
import { definePlatform } from '../../src/contract/platform.js';
import { MBA_ERRORS } from './errors.js';
import { createMbaAdapter } from './index.js';
import { MBA_STATUS_MAP } from './status.js';

export const maubelajarapa = definePlatform({
  id: 'maubelajarapa',
  displayName: 'MauBelajarApa',
  voucherCodePattern: /^MBA-[0-9]{8}$/,
  sampleCode: (i) => `MBA-${String(i % 100_000_000).padStart(8, '0')}`,
  callbackScheme: 'X-MBA-Signature base64 HMAC-SHA512 over timestamp, delivery id and body (modelled)',
  // Scheduled workshops the provider runs: the provider checks the participant in (redeems) at the session.
  capabilities: { delivery: 'provider_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: MBA_STATUS_MAP, errors: MBA_ERRORS },
  settings: {
    baseUrl: { env: 'MAUBELAJARAPA_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    keyId: { env: 'MAUBELAJARAPA_KEY_ID', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    secret: { env: 'MAUBELAJARAPA_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'sandbox-maubelajarapa-secret' },
  },
  // Valid 30 days after the session, so the session is now: the demo can check in at once.
  demoVouchers: [
    { code: 'MBA-00000001', cardNumber: '6471055566770006', buyerName: 'agus santoso', buyerEmail: 'agus@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'MBA-00000002', cardNumber: '3273011122330005', buyerName: 'Dewi S. P.', buyerEmail: 'dewi.s@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  ],
  createAdapter: (c, ctx) => createMbaAdapter(c, ctx),
  async loadSimulator() {
    const { createMbaSimulator } = await import('./simulator.js');
    return (s) => createMbaSimulator(s.config, undefined, s.now, { callback: s.callback });
  },
});
