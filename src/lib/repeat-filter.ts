/**
 * Which keys of a long stream may have been seen before, in fixed memory: a Bloom filter over the
 * keys seen so far, and the keys it flagged. It never misses a repeat; a key flagged that was not
 * one (a false positive) costs its caller a needless look. Past `maxFlagged` flags it stops
 * collecting and says so (`overflowed`), and the caller treats every key as possibly repeated.
 */
export class RepeatFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  readonly flagged = new Set<string>();
  overflowed = false;

  /** `log2Bits` 25 is 4 MB: a million keys flag ~200 that were not repeated. */
  constructor(
    log2Bits = 25,
    private readonly maxFlagged = 10_000,
  ) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  /** Records `key`; flags it if it may have been recorded before. */
  see(key: string): void {
    // Two FNV-1a hashes with different offsets, combined into four probes (double hashing).
    let h1 = 0x811c9dc5;
    let h2 = 0x050c5d1f;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x01000193);
    }
    h2 |= 1;
    let present = true;
    for (let i = 0; i < 4; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      const word = bit >>> 5;
      const m = 1 << (bit & 31);
      if ((this.bits[word] & m) === 0) {
        present = false;
        this.bits[word] |= m;
      }
    }
    if (!present || this.overflowed) return;
    if (this.flagged.size < this.maxFlagged) this.flagged.add(key);
    else {
      this.overflowed = true;
      this.flagged.clear();
    }
  }
}
