import { readdirSync, readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLATFORMS } from '../../adapters/registry.js';

/**
 * The written contracts themselves: each is a valid OpenAPI 3.1 document (a YAML slip such as an
 * unquoted comma in a flow mapping silently turns half a description into a key), and every
 * registered platform has one. Conformance then holds the wire traffic against them.
 */
const dir = new URL('../../openapi/partners/', import.meta.url);
const files = [...readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => new URL(f, dir)), new URL('./throwaway/kursusku.yaml', import.meta.url)];

describe('openapi/partners/*.yaml', () => {
  it('has a contract for every registered platform and for prakerja.go.id', () => {
    const ids = readdirSync(dir).map((f) => f.replace(/\.yaml$/, ''));
    expect(ids).toEqual(expect.arrayContaining([...PLATFORMS.map((p) => p.id), 'prakerja']));
  });

  for (const file of files) {
    it(`${file.pathname.split('/').at(-1)} is a valid OpenAPI 3.1 document`, async () => {
      const doc = parse(readFileSync(file, 'utf8'));
      expect(doc.openapi).toMatch(/^3\.1\./);
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
    });
  }
});
