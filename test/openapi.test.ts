import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../src/app/openapi-document.js';

describe('OpenAPI document', () => {
  const doc = openapiDocument() as unknown as {
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[]; operationId?: string; summary?: string; description?: string }>>;
  };

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

  it('teaches: every operation has a unique operationId, a summary and a description', () => {
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId!), `${where}: operationId ${op.operationId} used twice`).toBe(false);
        ids.add(op.operationId!);
        expect(op.summary?.length, `${where}: summary`).toBeGreaterThan(10);
        expect(op.description?.length, `${where}: description`).toBeGreaterThan(20);
      }
    }
  });
});
