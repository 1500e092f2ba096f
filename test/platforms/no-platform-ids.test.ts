import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/registry.js';

const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/**
 * A platform is its folder and its registry line: the gateway's code and scripts never name one.
 * What differs between platforms comes from the definitions (capabilities, settings, schemes),
 * so adding one cannot need an edit here. Prose may name a platform with a capital (Kemnaker's
 * Sisnaker); the id itself, as code spells it, may not appear.
 */
describe('no platform id outside adapters/<id>/ and the registry', () => {
  const ids = PLATFORMS.map((d) => d.id);
  for (const dir of ['src', 'scripts']) {
    it(`${dir}/ names none of ${ids.join(', ')}`, () => {
      const found = files(join(ROOT, dir)).flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return ids.filter((id) => new RegExp(`\\b${id}\\b`).test(text)).map((id) => `${relative(ROOT, f)}: ${id}`);
      });
      expect(found).toEqual([]);
    });
  }
});
