import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { PROBLEM_CATALOGUE } from '../lib/problem-catalogue.js';
import { problems } from '../lib/problem.js';
import { Code, problemContent } from './schemas.js';

const ProblemDocSchema = z
  .object({ type: z.string(), code: z.string(), status: z.number().int(), title: z.string(), description: z.string() })
  .openapi('ProblemType');

const problemTypeRoute = createRoute({
  method: 'get',
  path: '/problems/{code}',
  tags: ['Health'],
  operationId: 'getProblemType',
  summary: 'What a problem type means',
  description: 'The `type` of every problem answer is `/problems/<code>`; this page says what the code means and what to do. HTML for a browser, JSON when `Accept` asks for it.',
  request: { params: z.object({ code: Code(80).openapi({ param: { name: 'code', in: 'path' }, example: 'name_mismatch' }) }) },
  responses: {
    200: { description: 'The problem type', content: { 'application/json': { schema: ProblemDocSchema }, 'text/html': { schema: z.string() } } },
    404: problemContent('No such problem code'),
  },
});

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const problemRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(problemTypeRoute, (c) => {
  const { code } = c.req.valid('param');
  const doc = Object.hasOwn(PROBLEM_CATALOGUE, code) ? PROBLEM_CATALOGUE[code] : undefined;
  if (!doc) throw problems.notFound(`Problem type ${code}`);
  const body = { type: `/problems/${code}`, code, ...doc };
  if ((c.req.header('accept') ?? '').includes('application/json')) return c.json(body, 200);
  return c.html(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escape(doc.title)}</title>` +
      `<h1>${escape(doc.title)}</h1><p><code>${escape(code)}</code> · HTTP ${doc.status}</p><p>${escape(doc.description)}</p>` +
      `<p><a href="/docs">API reference</a></p></html>`,
    200,
  );
});
