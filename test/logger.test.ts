import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { maskCardNumber, maskNik } from '../src/lib/mask.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('log redaction', () => {
  it('masks card numbers and NIK by field name, at any depth we log them', () => {
    const { logger, lines } = capture();
    logger.info({ cardNumber: '5201123456780001', participant: { cardNumber: '5201123456780001', nik: '3201234509870001' }, body: { cardNumber: '5201123456780001' } }, 'redeem');
    const out = lines.join('');
    expect(out).not.toContain('5201123456780001');
    expect(out).not.toContain('3201234509870001');
    expect(out).toContain('5201********0001');
    expect(out).toContain('320123**********');
  });

  it('masks 16-digit runs inside messages and error text', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('card 5201123456780001 refused') }, 'partner said 5201123456780001 is unknown');
    const out = lines.join('');
    expect(out).not.toContain('5201123456780001');
    expect(out.match(/5201\*{8}0001/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('mask helpers keep only what identifies the record to a human', () => {
    expect(maskCardNumber('5201123456780001')).toBe('5201********0001');
    expect(maskNik('3201234509870001')).toBe('320123**********');
  });
});
