import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app/create-app.js';
import type { AppDeps } from '../src/app/context.js';
import { PROBLEM_CATALOGUE } from '../src/lib/problem-catalogue.js';

/** Every problem code written in the source: `new ProblemError(status, 'code', …)`, `code: '…'` of problem literals and `/problems/<code>` types. */
function codesInSource(dir: string): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      for (const c of codesInSource(path)) out.add(c);
      continue;
    }
    if (!path.endsWith('.ts')) continue;
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/ProblemError\(\s*[\w.]+,\s*'([a-z_]+)'/g)) out.add(m[1]);
    for (const m of text.matchAll(/\/problems\/([a-z_]+)/g)) out.add(m[1]);
    for (const m of text.matchAll(/verdict: 'refuse', status: \d+, code: '([a-z_]+)'/g)) out.add(m[1]);
  }
  return out;
}

// The route reads nothing from deps; the app only needs them to exist per request.
const app = createApp({ logger: { child: () => ({ info() {}, child() {} }) } } as unknown as AppDeps);

describe('problem types', () => {
  const used = [...codesInSource('src'), ...['not_found', 'redeem_code_not_found', 'redeem_code_other_provider', 'redeem_code_wrong_training_type', 'redeem_code_cancelled', 'redeem_code_transaction_cancelled']];

  it('finds the codes the source throws', () => {
    expect(used.length).toBeGreaterThan(40);
    expect(used).toEqual(expect.arrayContaining(['name_mismatch', 'progress_conflict', 'credential_shown_once']));
  });

  it.each([...new Set(used)].sort())('/problems/%s resolves to a page', async (code) => {
    expect(PROBLEM_CATALOGUE[code], `${code} is thrown but not in src/lib/problem-catalogue.ts`).toBeDefined();
    const json = await app.request(`/problems/${code}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ type: `/problems/${code}`, code, description: expect.any(String) });
    const html = await app.request(`/problems/${code}`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain(`<code>${code}</code>`);
  });

  it('answers 404 problem+json for an unknown code', async () => {
    const res = await app.request('/problems/no_such_code', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
