import { PLATFORMS } from '../../adapters/registry.js';
import { DEMO_PARTICIPANTS, DEMO_VOUCHERS, demoRedeemCodes } from '../sandbox/demo-data.js';

/**
 * A request body for every operation that takes one, by operationId, drawn from the sandbox's
 * demo data: what the reference UI fills in is what the sandbox accepts, so "Try it" against a
 * fresh `npm start` does the real thing. Fixed dates (WIB) keep the committed document stable;
 * test/openapi.test.ts checks each example against its route's own schema.
 */
// The first demo voucher (registry order) that a fresh sandbox redeems as sent: on a platform where
// the provider redeems, not expired, its code fitting one platform only (no `platform` field), its
// participant known. Derived, so that no platform is named here.
const voucher = DEMO_VOUCHERS.find(
  (v) =>
    PLATFORMS.find((d) => d.id === v.platform)?.capabilities.delivery === 'provider_delivered' &&
    v.expiresInDays > 0 &&
    PLATFORMS.filter((d) => d.voucherCodePattern.test(v.code)).length === 1 &&
    DEMO_PARTICIPANTS.some((p) => p.cardNumber === v.cardNumber),
)!;
const participant = DEMO_PARTICIPANTS.find((p) => p.cardNumber === voucher.cardNumber)!;
const redeemCode = demoRedeemCodes(new Date(0)).find((c) => c.courseType === 'spl' && c.status === 'valid')!;
const enrollmentId = '0b4f7c1e-5d2a-4f8e-9a61-3c2d1e0f9a87';

const certificate = {
  number: 'LPK-KJ/2026/000123',
  issuedAt: '2026-11-30T10:00:00+07:00',
  url: 'https://lpk-komputer-jaya.example.id/sertifikat/000123.pdf',
  sha256: '9f2c6a1b3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f7',
};
const completion = { outcome: 'passed', score: 87, completedAt: '2026-11-30T09:30:00+07:00', certificate };
const reason = 'Peserta menghubungi layanan: nama di akun platform adalah nama panggilan (tiket #4821)';

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  redeemVoucher: { voucherCode: voucher.code, cardNumber: voucher.cardNumber, participant: { name: participant.name, email: voucher.buyerEmail } },
  reportCompletion: completion,
  reportProgress: { sequence: 1, attendedAt: '2026-11-30T08:00:00+07:00' },
  useRedeemCode: { redeemCode: redeemCode.redeemCode, sequence: redeemCode.sequence },
  createVerificationUrl: { redeemCode: redeemCode.redeemCode, sequence: redeemCode.sequence, redirectUri: 'https://lpk-komputer-jaya.example.id/prakerja/kembali', email: voucher.buyerEmail },
  recordVerificationReturn: { state: 'st_7QmZr2XkP9aVw4Lc' },
  reportCompletionsBatch: { items: [{ enrollmentId, ...completion }] },
  submitTask: { redeemCode: redeemCode.redeemCode, scope: 'tpm', sequence: redeemCode.sequence, fileUrl: 'https://lpk-komputer-jaya.example.id/tugas/tpm-000123.pdf' },
  submitTaskFeedback: {
    redeemCode: redeemCode.redeemCode,
    scope: 'tpm',
    sequence: redeemCode.sequence,
    fileUrl: 'https://lpk-komputer-jaya.example.id/tugas/tpm-000123-umpan-balik.pdf',
    notes: 'Rumus VLOOKUP sudah benar; rapikan format tabel.',
  },
  createWebhookEndpoint: { url: 'https://lpk-komputer-jaya.example.id/hooks/prakerja', description: 'Backend LMS', eventTypes: ['enrollment.redeemed', 'certificate.accepted', 'incentive.scheduled'] },
  updateWebhookEndpoint: { eventTypes: ['enrollment.redeemed', 'enrollment.completed', 'certificate.accepted'] },
  rotateWebhookSecret: { overlapSeconds: 86_400 },
  createProvider: { id: 'prv-kursus-tani-makmur', name: 'LPK Tani Makmur', prakerja: { clientCode: 'LP-TANI-014' }, reason: 'Perjanjian kerja sama No. 014/PKS/2026 ditandatangani' },
  updateProvider: { prakerja: { clientCode: 'LP-TANI-014' }, reason: 'Kode klien dari prakerja.go.id diterima' },
  issueProviderCredential: { label: 'backend LMS produksi', validDays: 90, reason: 'Integrasi produksi disetujui' },
  revokeProviderCredential: { reason: 'Token tersebar di log CI penyedia' },
  startReconciliationRun: { from: '2026-11-29T00:00:00+07:00', to: '2026-11-30T00:00:00+07:00', reason: 'Rekonsiliasi harian' },
  resolveDiscrepancy: { reason: 'Platform mengonfirmasi pengembalian dana 28 Nov (tiket #4790)' },
  acceptName: { reason },
  redriveDelivery: { reason: 'prakerja.go.id sudah pulih dari gangguan 30 Nov 09:00 WIB' },
  replayDeadLetters: { destination: 'prakerja', all: true, reason: 'Kunci tanda tangan penyedia diperbarui; kirim ulang laporan' },
  refuseName: { reason: 'Nama di akun platform milik orang lain (suami peserta); voucher tidak boleh dipakai' },
};

type Operation = { operationId?: string; requestBody?: { content?: Record<string, { example?: unknown }> } };

/** Writes each operation's example into the document (the media type's `example`). */
export function withRequestExamples<D extends { paths?: object }>(doc: D): D {
  for (const ops of Object.values(doc.paths ?? {}) as Array<Record<string, Operation>>) {
    for (const op of Object.values(ops)) {
      const media = op.requestBody?.content?.['application/json'];
      const example = op.operationId ? REQUEST_EXAMPLES[op.operationId] : undefined;
      if (media && example !== undefined) media.example = example;
    }
  }
  return doc;
}
