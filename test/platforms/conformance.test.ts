import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/registry.js';
import { describePlatformAdapter, type ConformanceFixture } from '../support/conformance.js';

/**
 * Every registered platform runs the conformance suite. Its hand-written fixture lives in
 * test/platforms/fixtures/<id>.ts; a platform registered without one fails here.
 */
const fixtures = import.meta.glob<{ default: ConformanceFixture }>('./fixtures/*.ts', { eager: true });
const fixtureOf = (id: string) => fixtures[`./fixtures/${id}.ts`]?.default;

describe('the registry', () => {
  it('has a conformance fixture for every platform', () => {
    expect(PLATFORMS.filter((d) => !fixtureOf(d.id)).map((d) => d.id)).toEqual([]);
  });
});

for (const definition of PLATFORMS) {
  const fixture = fixtureOf(definition.id);
  if (fixture) describePlatformAdapter(definition, fixture, PLATFORMS);
}
