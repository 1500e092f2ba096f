import { z } from 'zod';
import { KARIERMU_ERRORS } from './errors.js';
import { KARIERMU_STATUS_MAP } from './status.js';
import { definePlatform } from '../../src/contract/platform.js';
import { KARIERMU_PATHS } from './http.js';
import { createKariermuAdapter } from './index.js';

export const kariermu = definePlatform({
  id: 'kariermu',
  displayName: 'Karier.mu',
  voucherCodePattern: /^KMU-[A-Z0-9]{8}$/,
  sampleCode: (i) => `KMU-${String(i).padStart(8, '0')}`,
  callbackScheme: 'detached JWS (RS256) verified against its JWKS',
  capabilities: { delivery: 'provider_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: KARIERMU_STATUS_MAP, errors: KARIERMU_ERRORS },
  settings: {
    baseUrl: { env: 'KARIERMU_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    issuer: { env: 'KARIERMU_ISSUER', schema: z.string().min(1), default: 'prakerja-gateway', sandbox: () => 'prakerja-gateway' },
    keyId: { env: 'KARIERMU_KEY_ID', schema: z.string().min(1), default: 'gw-1', sandbox: () => 'sandbox-1' },
    /** PKCS8 PEM; in the sandbox a key pair is generated per sandbox rather than published. */
    privateKeyPem: { env: 'KARIERMU_PRIVATE_KEY', schema: z.string().min(1), secret: true, sandbox: (s) => s.keys.privateKeyPem },
    /** Karier.mu's public keys, to verify its signed callbacks. */
    jwksUrl: { env: 'KARIERMU_JWKS_URL', schema: z.url(), sandbox: (s) => `${s.baseUrl}${KARIERMU_PATHS.jwks}` },
  },
  demoVouchers: [
    { code: 'KMU-AB12CD34', cardNumber: '3273011122330005', buyerName: 'Dewi Sartika Putri, S.Kom.', buyerEmail: 'dewi.s@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
    { code: 'KMU-ZX98YW76', cardNumber: '3578098765430004', buyerName: 'Dr. Ir. Bambang Wijaya, M.M.', buyerEmail: 'bambang@example.id', courseId: 'CRS-DIGMKT-02', providerId: 'prv-komputer-jaya', expiresInDays: 30 },
  ],
  createAdapter: (c, ctx) => createKariermuAdapter(c, ctx),
  async sandboxKeys() {
    const { exportPKCS8, exportSPKI, generateKeyPair } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
  },
  async loadSimulator() {
    const { createKariermuSimulator } = await import('./simulator.js');
    return (s) => createKariermuSimulator({ issuer: s.config.issuer, publicKeyPem: s.keys.publicKeyPem }, undefined, s.now, { callback: s.callback });
  },
});
