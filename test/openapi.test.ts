import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import type { AppDeps } from '../src/app/context.js';
import { createApp } from '../src/app/create-app.js';
import { openapiDocument } from '../src/app/openapi-document.js';
import { REQUEST_EXAMPLES } from '../src/routes/examples.js';

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

  it('gives every request body an example from the demo data that its own route accepts, served at /openapi.json', async () => {
    // /openapi.json reads nothing from deps; the app only needs them to exist per request.
    const app = createApp({ logger: { child: () => ({ info() {}, child() {} }) } } as unknown as AppDeps);
    const served = (await (await app.request('/openapi.json')).json()) as typeof doc;
    const routes = app.openAPIRegistry.definitions.flatMap((d) => (d.type === 'route' ? [d.route] : []));
    const withBody = routes.filter((r) => r.request?.body);
    expect(withBody.length).toBeGreaterThan(20);
    for (const r of withBody) {
      const where = `${r.method.toUpperCase()} ${r.path} (${r.operationId})`;
      const example = REQUEST_EXAMPLES[r.operationId!];
      expect(example, `${where}: no example`).toBeDefined();
      const schema = (r.request!.body!.content['application/json'] as { schema: ZodType }).schema;
      const parsed = schema.safeParse(example);
      expect(parsed.success, `${where}: ${parsed.error?.message}`).toBe(true);
      const op = served.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method] as { requestBody?: { content: Record<string, { example?: unknown }> } };
      expect(op.requestBody?.content['application/json']?.example, `${where}: not in the document`).toEqual(example);
    }
  });
});
