import type { SimVoucher } from '../../adapters/shared/simulator-kit.js';

/** A purchased voucher with sensible defaults; override what the test is about. */
export function simVoucher(over: Partial<SimVoucher> & Pick<SimVoucher, 'code'>): SimVoucher {
  const now = Date.now();
  return {
    cardNumber: '5201123456780001',
    buyerName: 'Siti Rahmawati',
    buyerEmail: 'siti@example.id',
    courseId: 'CRS-EXCEL-01',
    courseTitle: 'Microsoft Excel untuk Admin Kantor',
    providerId: 'prv-komputer-jaya',
    state: 'purchased',
    purchasedAt: new Date(now - 86_400_000),
    expiresAt: new Date(now + 30 * 86_400_000),
    ...over,
  };
}
