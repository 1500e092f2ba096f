import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './processes.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The environment a spawned gateway sees: the test runner's, without what would make it use
 * something other than what the test chose (a developer's DATABASE_URL, vitest's loaders).
 */
export function gatewayEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'DATABASE_URL' || k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k === 'TEST_DB') delete env[k];
  return { ...env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extra };
}

export interface GatewayProcess {
  proc: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the whole process group (npm, sh, node); for cleanup after a failure. */
  kill: () => Promise<void>;
}

/** Starts a command in its own process group, so a failed test can kill everything it started. */
export function spawnGateway(command: string, args: string[], opts: { cwd?: string; env: Record<string, string>; port: number }): GatewayProcess {
  let out = '';
  const proc = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: gatewayEnv({ PORT: String(opts.port), ...opts.env }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const kill = async () => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      /* the group is gone already */
    }
    if (proc.exitCode === null && proc.signalCode === null) await exited;
  };
  return { proc, port: opts.port, base: `http://127.0.0.1:${opts.port}`, output: () => out, exited, kill };
}

/** Waits for /healthz to answer 200, failing early (with the output) if the process ends first. */
export async function waitHealthy(g: GatewayProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (g.proc.exitCode !== null || g.proc.signalCode !== null) throw new Error(`gateway exited before it was ready:\n${g.output()}`);
    const ok = await fetch(`${g.base}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200, () => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`gateway did not answer /healthz within ${timeoutMs} ms:\n${g.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ends within `ms` or throws, naming what the process printed. */
export async function exitWithin(g: GatewayProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`process still running ${ms} ms after the signal:\n${g.output()}`)), ms)));
  try {
    return await Promise.race([g.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether any process of the group started by `g` is still alive. */
export function groupAlive(g: GatewayProcess): boolean {
  try {
    process.kill(-g.proc.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => {
    process.off('exit', remove);
    rmSync(path, { recursive: true, force: true });
  };
  // Also when the test process ends before its afterAll ran (a timeout, a worker torn down).
  process.on('exit', remove);
  return { path, remove };
}

export { freePort };
