import { describe, expect, it } from 'vitest';
import { RepeatFilter } from '../src/lib/repeat-filter.js';

describe('RepeatFilter', () => {
  it('flags every repeated key, and few others', () => {
    const f = new RepeatFilter(20);
    const repeated = new Set<string>();
    for (let i = 0; i < 50_000; i++) f.see(`e0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
    for (let i = 0; i < 50_000; i += 997) {
      const key = `e0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
      f.see(key);
      repeated.add(key);
    }
    expect(f.overflowed).toBe(false);
    for (const key of repeated) expect(f.flagged.has(key)).toBe(true);
    // 50,000 keys in 2^20 bits with four probes: about 0.3 % of those not repeated flagged too.
    expect(f.flagged.size - repeated.size).toBeLessThan(500);
  });

  it('flags nothing in a stream without repeats of a size it is made for', () => {
    const f = new RepeatFilter(25);
    for (let i = 0; i < 200_000; i++) f.see(`k${i}`);
    expect(f.flagged.size).toBeLessThan(20);
  });

  it('says it overflowed, and keeps no flags, past its limit', () => {
    const f = new RepeatFilter(20, 10);
    for (let r = 0; r < 2; r++) for (let i = 0; i < 11; i++) f.see(`k${i}`);
    expect(f.overflowed).toBe(true);
    expect(f.flagged.size).toBe(0);
  });
});
