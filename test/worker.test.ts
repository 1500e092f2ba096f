/**
 * The gateway as a Cloudflare Worker: `wrangler deploy --dry-run` bundles it (without PGlite), and
 * `wrangler dev` runs it under workerd, offline, answering health and the OpenAPI document.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'wrangler.cmd' : 'wrangler');
const STARTUP_TIMEOUT_MS = 90_000;

let scratch: string;
let wranglerEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'gateway-worker-test-'));
  // An empty env file replaces .dev.vars/.env, so a developer's local DATABASE_URL cannot leak in.
  writeFileSync(join(scratch, 'empty.env'), '');
  wranglerEnv = {
    ...process.env,
    // No telemetry, no login, no prompts, nothing written to the home directory.
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_TELEMETRY_DISABLED: '1',
    XDG_CONFIG_HOME: join(scratch, 'config'),
    WRANGLER_LOG_PATH: join(scratch, 'logs'),
    CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'false',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs a command to completion, keeping its output for the failure message. */
function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, args, { cwd: ROOT, env: wranglerEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}


describe('Cloudflare Worker build', () => {
  it('bundles with `wrangler deploy --dry-run`, without PGlite', async () => {
    const outdir = join(scratch, 'dist');
    const metafile = join(outdir, 'bundle-meta.json');
    const { code, output } = await run(['deploy', '--dry-run', '--outdir', outdir, '--metafile', metafile]);
    expect(code, `wrangler deploy --dry-run failed:\n${output}`).toBe(0);

    const bundle = join(outdir, 'worker.js');
    expect(existsSync(bundle), `no ${bundle}:\n${output}`).toBe(true);
    const js = readFileSync(bundle, 'utf8');
    expect(js.length).toBeGreaterThan(10_000);
    expect(js).not.toContain('@electric-sql/pglite');
    expect(js).not.toMatch(/\bPGlite\b/);

    // The esbuild metafile names every module that went in: PGlite (Node-only) must not be one.
    const inputs = Object.keys((JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    expect(inputs.some((i) => i.includes('src/worker.ts'))).toBe(true);
    expect(inputs.filter((i) => /pglite|src\/node\//i.test(i))).toEqual([]);
    // The Workers build of postgres.js, not the Node one.
    expect(inputs.some((i) => i.includes('node_modules/postgres/cf/'))).toBe(true);
  }, 60_000);
});

describe('Cloudflare Worker under `wrangler dev`', () => {
  let child: ChildProcess | undefined;
  let logs = '';
  let base = '';

  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c?.pid || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-c.pid!, signal); // the whole group: wrangler and the workerd it started
      } catch {
        /* already gone */
      }
    };
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup('SIGKILL'); // wrangler has exited; make sure no workerd outlives it
  };

  beforeAll(async () => {
    const [port, inspectorPort] = await Promise.all([freePort(), freePort()]);
    base = `http://127.0.0.1:${port}`;
    child = spawn(
      WRANGLER,
      [
        'dev',
        '--ip', '127.0.0.1',
        '--port', String(port),
        '--inspector-port', String(inspectorPort),
        '--env-file', join(scratch, 'empty.env'),
        '--show-interactive-dev-session=false',
        '--persist-to', join(scratch, 'state'),
      ],
      { cwd: ROOT, env: wranglerEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child.stdout!.on('data', (d) => (logs += d));
    child.stderr!.on('data', (d) => (logs += d));
    child.on('error', (e) => (logs += `\nspawn error: ${e.message}\n`));
    child.on('exit', (code, signal) => (logs += `\n[wrangler exited: code ${code}, signal ${signal}]\n`));

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`wrangler dev exited before it was ready:\n${logs}`);
      try {
        const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer /healthz within ${STARTUP_TIMEOUT_MS} ms:\n${logs}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, STARTUP_TIMEOUT_MS + 10_000);

  afterAll(stop, 15_000);

  it('answers /healthz, /openapi.json and (without a database) /readyz 503', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status, logs).toBe(200);
    expect(await health.json(), logs).toEqual({ status: 'ok' });

    const doc = await fetch(`${base}/openapi.json`);
    expect(doc.status, logs).toBe(200);
    const openapi = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi, logs).toMatch(/^3\.1\./);
    expect(Object.keys(openapi.paths), logs).toContain('/v1/redemptions');

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status, logs).toBe(503);
    expect(await ready.json(), logs).toMatchObject({ status: 'unavailable' });
  });
});
