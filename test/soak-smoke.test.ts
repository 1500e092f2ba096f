/**
 * The soak harness must not rot: a 20-second `npm run bench -- --soak` on PostgreSQL must exit 0
 * and write a report whose every sample and slope is a number, with each kind of the mix sent.
 * Nothing about the figures is asserted: a 20-second run on a shared machine proves no leak.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SoakResult } from '../bench/soak.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'soak-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runSoak(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'bench', '--', '--soak', '0.34', '--soak-sample', '5', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGINT'); // the runner stops the gateway and simulators and drops the scratch database
      } catch {
        /* gone */
      }
    }, 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bench -- --soak', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)('drives the whole mix and reports every series per interval with its slope', async () => {
    const { code, output } = await runSoak();
    expect(code, output.slice(-4000)).toBe(0);
    const files = readdirSync(out).filter((f) => f.startsWith('soak-') && f.endsWith('.json'));
    expect(files, output.slice(-2000)).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as SoakResult & { soak: boolean };
    expect(report.soak).toBe(true);
    // 20 s sampled every 5 s, plus the closing sample.
    expect(report.samples.length).toBeGreaterThanOrEqual(4);
    for (const s of report.samples) for (const [k, v] of Object.entries(s)) expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
    for (const [k, v] of Object.entries(report.slopes)) expect(Number.isFinite(v), `slope of ${k} = ${v}`).toBe(true);
    expect(report.samples.every((s) => s.dbConnections > 0 && s.openFds > 0 && s.rssMB > 0)).toBe(true);
    expect(Object.keys(report.totals.byKind).sort()).toEqual(['batch completion', 'callback', 'enrollment read', 'ops read', 'progress', 'reconciliation', 'redemption']);
    expect(report.totals.requests).toBe(Object.values(report.totals.byKind).reduce((a, k) => a + k.sent, 0));
    expect(report.reconciliation?.status).toMatch(/^(succeeded|failed)$/);
    expect(output).toContain('slope/min');
  }, 180_000);
});
