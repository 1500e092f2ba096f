import { z } from 'zod';
import { definePlatform } from '../../src/contract/platform.js';
import { PINTARIA_ERRORS } from './errors.js';
import { createPintariaAdapter } from './index.js';
import { PINTARIA_STATUS_MAP } from './status.js';

export const pintaria = definePlatform({
  id: 'pintaria',
  displayName: 'Pintaria',
  voucherCodePattern: /^PNT-[a-z0-9]{12}$/,
  sampleCode: (i) => `PNT-${i.toString(36).padStart(12, '0')}`,
  callbackScheme: 'HTTP Signatures (hmac-sha256 over (request-target), date, digest) (modelled)',
  // Pintaria teaches on its own platform; the buyer is the prakerja.go.id account itself.
  capabilities: { delivery: 'platform_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: PINTARIA_STATUS_MAP, errors: PINTARIA_ERRORS },
  settings: {
    baseUrl: { env: 'PINTARIA_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    keyId: { env: 'PINTARIA_KEY_ID', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    secret: { env: 'PINTARIA_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'sandbox-pintaria-secret' },
  },
  // The name is prakerja.go.id's own: Pintaria's buyers log in with their Kartu Prakerja account.
  demoVouchers: [{ code: 'PNT-000000demo01', cardNumber: '6471055566770006', buyerName: 'Agus Santoso', buyerEmail: 'agus@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 }],
  createAdapter: (c, ctx) => createPintariaAdapter(c, ctx),
  async loadSimulator() {
    const { createPintariaSimulator } = await import('./simulator.js');
    return (s) => createPintariaSimulator(s.config, undefined, s.now, { callback: s.callback });
  },
});
