import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/registry.js';

const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const ids = PLATFORMS.map((d) => d.id);
const named = (f: string, among: readonly string[]) => among.filter((id) => new RegExp(`\\b${id}\\b`).test(readFileSync(f, 'utf8'))).map((id) => `${relative(ROOT, f)}: ${id}`);

/**
 * The bare baseline of the redemption benchmark re-implements one platform's redeem by hand, on
 * purpose: a yardstick without the gateway's abstractions. It is the only exception.
 */
const EXCEPTIONS = new Set(['bench/baseline-server.ts']);

/**
 * A platform is its folder and its registry line: the gateway's code, scripts, benchmarks, test
 * helpers and the shared adapter code never name one, and a platform's folder names no other.
 * What differs between platforms comes from the definitions (capabilities, settings, schemes),
 * so adding one cannot need an edit elsewhere. Prose may name a platform with a capital
 * (Kemnaker's Sisnaker); the id itself, as code spells it, may not appear. Tests of one platform
 * (test/adapters, test/db/<id>-flow, fixtures) and docs may.
 */
describe('no platform id outside adapters/<id>/ and the registry', () => {
  for (const dir of ['src', 'scripts', 'bench', 'clients', 'test/support', 'adapters/shared', 'adapters/prakerja']) {
    it(`${dir}/ names none of ${ids.join(', ')}`, () => {
      const found = files(join(ROOT, dir))
        .filter((f) => !EXCEPTIONS.has(relative(ROOT, f)))
        .flatMap((f) => named(f, ids));
      expect(found).toEqual([]);
    });
  }

  it('adapters/ outside the platforms’ folders names none but the registry', () => {
    const top = readdirSync(join(ROOT, 'adapters'), { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== 'registry.ts');
    expect(top.flatMap((e) => named(join(ROOT, 'adapters', e.name), ids))).toEqual([]);
  });

  for (const id of ids) {
    it(`adapters/${id}/ names no other platform`, () => {
      const others = ids.filter((o) => o !== id);
      expect(files(join(ROOT, 'adapters', id)).flatMap((f) => named(f, others))).toEqual([]);
    });
  }
});
