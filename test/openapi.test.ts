import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../src/app/openapi-document.js';

describe('OpenAPI document', () => {
  const doc = openapiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };

  it('is OpenAPI 3.1 and matches the committed openapi/gateway.json (run `npm run openapi` after changing routes)', () => {
    expect(doc.openapi).toBe('3.1.0');
    const committed = JSON.parse(readFileSync(new URL('../openapi/gateway.json', import.meta.url), 'utf8'));
    expect(JSON.parse(JSON.stringify(doc))).toEqual(committed);
  });

  it('declares bearer auth on every /v1 operation but the callback door, which is signed per sender', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/') || path.startsWith('/v1/callbacks/')) continue;
      for (const [method, op] of Object.entries(ops)) expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
    }
  });
});
