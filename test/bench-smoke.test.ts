/**
 * The benchmark harness must not rot: `npm run bench -- --smoke` runs every benchmark with a few
 * hundred requests and must exit 0 and write a result file whose figures are all numbers. No
 * timing is asserted — these machines are shared and noisy; the figures are for people.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function runSmoke(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout here can take the runner and everything it started down with it.
    const child = spawn('npm', ['run', 'bench', '--', '--smoke', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGINT'); // the runner stops its children and drops its databases
      } catch {
        /* gone */
      }
    }, 280_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bench -- --smoke', () => {
  it('runs every benchmark and writes finite figures', async () => {
    const { code, output } = await runSmoke();
    expect(code, output.slice(-6000)).toBe(0);

    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files, output.slice(-3000)).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as {
      smoke: boolean;
      machine: { cores: number; cpuModel: string; node: string };
      date: string;
      rows: Array<{ group: string; name: string; value: number; unit: string; baseline?: { name: string; value: number }; ratio?: number }>;
      failures: unknown[];
    };
    expect(result.smoke).toBe(true);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.node).toBe(process.version);
    expect(typeof result.machine.cpuModel).toBe('string');
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.failures).toEqual([]);
    expect(result.rows.length).toBeGreaterThan(0);
    // Every benchmark module that exists contributed (each may skip itself without Postgres, but names never does).
    expect(result.rows.some((r) => r.group === 'names')).toBe(true);
    for (const r of result.rows) {
      const where = `${r.group} / ${r.name}`;
      expect(typeof r.group, where).toBe('string');
      expect(typeof r.unit, where).toBe('string');
      expect(Number.isFinite(r.value), `${where}: value ${r.value}`).toBe(true);
      if (r.baseline) expect(Number.isFinite(r.baseline.value), `${where}: baseline ${r.baseline.value}`).toBe(true);
      if (r.ratio !== undefined) expect(Number.isFinite(r.ratio), `${where}: ratio ${r.ratio}`).toBe(true);
    }
  }, 300_000);
});
