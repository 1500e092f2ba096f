import { readFileSync } from 'node:fs';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Request as OasRequest } from 'openapi-backend';
import { parse } from 'yaml';

/**
 * A platform's written contract, openapi/partners/<id>.yaml, as a validator of wire traffic:
 * every request an adapter sends and every answer its simulator gives is checked against it
 * (openapi-backend: routing by method and path template, then ajv over parameters, headers and
 * bodies). A disagreement is a bug in the code or in the yaml, whichever is wrong.
 */
export interface PartnerContract {
  /** The exchanges checked so far, and what did not fit, as `METHOD /path: what`. */
  readonly checked: string[];
  readonly violations: string[];
  check(request: Request, response: Response): Promise<void>;
  /** A callback the platform sends the gateway, against the contract's `webhooks:` section. */
  checkCallback(name: string, callback: { headers: Record<string, string>; body: string }): void;
}

/** Where a registered platform's contract is written down. */
export const partnerContractFile = (id: string) => new URL(`../../openapi/partners/${id}.yaml`, import.meta.url);

export async function partnerContract(file: URL, apiRoot: string): Promise<PartnerContract> {
  const id = file.pathname.split('/').at(-1)!;
  const definition = parse(readFileSync(file, 'utf8'));
  // quick: the document's own validity is another test's (its schema is OpenAPI 3.0's, ours are 3.1).
  // Formats (date-time, uri, email…) are checked too: a contract saying date-time means it.
  const api = new OpenAPIBackend({ definition, apiRoot, quick: true, strict: true, customizeAjv: (ajv) => addFormats(ajv) });
  await api.init();
  // Webhooks have no path: each is routed under /__webhooks/<name> so the same validator reads them.
  const webhooks = Object.entries((definition.webhooks ?? {}) as Record<string, unknown>);
  const hooks = new OpenAPIBackend({
    definition: { ...definition, paths: Object.fromEntries(webhooks.map(([name, item]) => [`/__webhooks/${name}`, item])) },
    quick: true,
    strict: true,
    customizeAjv: (ajv) => addFormats(ajv),
  });
  await hooks.init();
  const checked: string[] = [];
  const violations: string[] = [];
  return {
    checked,
    violations,
    async check(request, response) {
      const url = new URL(request.url);
      const text = await request.clone().text();
      const req: OasRequest = {
        method: request.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: Object.fromEntries(request.headers),
        body: text ? bodyOf(text, request.headers.get('content-type')) : undefined,
      };
      const name = `${request.method} ${url.pathname.slice(apiRoot.length)}`;
      checked.push(name);
      const operation = api.matchOperation(req);
      if (!operation) return void violations.push(`${name}: no operation in ${id}`);
      const sent = api.validateRequest(req, operation);
      for (const e of sent.errors ?? []) violations.push(`${name} request: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

      const status = String(response.status);
      const declared = Object.keys(operation.responses ?? {});
      if (!declared.includes(status) && !declared.includes(`${status[0]}XX`) && !declared.includes('default')) {
        return void violations.push(`${name} answered ${status}, which ${id} does not declare (${declared.join(', ')})`);
      }
      const answer = await response.clone().text();
      const answered = api.validateResponse(answer ? bodyOf(answer, response.headers.get('content-type')) : undefined, operation, response.status);
      for (const e of answered.errors ?? []) violations.push(`${name} ${status} answer: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    },
    checkCallback(name, callback) {
      checked.push(`callback ${name}`);
      if (webhooks.length === 0) return void violations.push(`callback ${name}: ${id} has no webhooks section`);
      const req = (hook: string): OasRequest => ({ method: 'POST', path: `/__webhooks/${hook}`, headers: lowerCased(callback.headers), body: bodyOf(callback.body, callback.headers['content-type'] ?? 'application/json') });
      // Valid when one of the contract's webhooks takes it; otherwise every webhook's complaints.
      const results = webhooks.map(([hook]) => [hook, hooks.validateRequest(req(hook)).errors ?? []] as const);
      if (results.some(([, errors]) => errors.length === 0)) return;
      for (const [hook, errors] of results) for (const e of errors) violations.push(`callback ${name} as ${hook}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    },
  };
}

const lowerCased = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** A body as the validator reads it: JSON and form fields as objects, anything else as text. */
function bodyOf(text: string, contentType: string | null): unknown {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
