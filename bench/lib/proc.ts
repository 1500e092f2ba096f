import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ → ../../). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Cleanups that must run however the run ends (child processes, scratch databases). Each
 * benchmark also cleans up in its own `finally`; this registry is the safety net for Ctrl-C and
 * crashes between the two.
 */
const cleanups = new Set<() => Promise<void> | void>();

export function onCleanup(fn: () => Promise<void> | void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Newest first, one at a time: processes stop before the database and folder they used go. */
export async function runCleanups(): Promise<void> {
  const all = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of all) {
    try {
      await fn();
    } catch (e) {
      process.stderr.write(`cleanup failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}

/** Synchronous last resort on process exit: SIGKILL every process group still alive. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export { freePort } from '../../test/support/processes.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** The last 64 KiB of its stdout and stderr, for error messages. */
  output(): string;
  /** Peak resident set size so far (VmHWM), in bytes; undefined once it has exited. */
  peakRss(): number | undefined;
  /** Current resident set size (VmRSS), in bytes. */
  rss(): number | undefined;
  /** CPU time (user + system, all its threads) used so far, in ms, from /proc/<pid>/stat; undefined once it has exited. */
  cpuMs(): number | undefined;
  /** Resets VmHWM to the current RSS (Linux clear_refs 5), so peakRss() covers what follows; false if refused. */
  resetPeakRss(): boolean;
  exited(): boolean;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` in a process group of its own (so a stop reaches
 * anything it spawns) and waits until `ready` resolves true. Never through npm: the pid must be
 * the Node process itself, for /proc/<pid>/status and --cpu-prof.
 */
export async function startNode(opts: {
  name: string;
  script: string;
  env: Record<string, string | undefined>;
  nodeArgs?: string[];
  /** Polled every 100 ms until true; `output` is what the process has printed so far. */
  ready: (output: string) => Promise<boolean> | boolean;
  timeoutMs?: number;
}): Promise<Child> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined) env[k] = v;
  // A developer's or CI's own settings must not leak into the process under test.
  for (const k of ['NODE_OPTIONS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST_DB']) if (!(k in opts.env)) delete env[k];
  // A benchmark measures what the gateway can do, not its per-provider ceiling; one that wants the limits sets RATE_LIMITS itself.
  if (!('RATE_LIMITS' in opts.env)) env.RATE_LIMITS = 'false';
  if (!('OUTBOUND_CAPS' in opts.env)) env.OUTBOUND_CAPS = 'false';
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!proc.pid) throw new Error(`${opts.name}: could not spawn`);
  const pid = proc.pid;
  liveGroups.add(pid);
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 65_536) out = out.slice(-65_536);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let done = false;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      done = true;
      liveGroups.delete(pid);
      // Said at once: a process under test that dies mid-run explains every error after it.
      if (!stopping) process.stderr.write(`  ! ${opts.name} (pid ${pid}) exited unexpectedly: code ${code}, signal ${signal}\n${out.slice(-3000).replace(/^/gm, '    ')}\n`);
      resolve();
    }),
  );

  const status = (field: 'VmHWM' | 'VmRSS') => {
    try {
      const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  };

  const cpuMs = () => {
    try {
      // Fields 14 and 15 (utime, stime) in clock ticks; the name in field 2 may hold spaces, so count from its ")".
      const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
      return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks();
    } catch {
      return undefined;
    }
  };

  const child: Child = {
    name: opts.name,
    pid,
    proc,
    output: () => out,
    peakRss: () => status('VmHWM'),
    rss: () => status('VmRSS'),
    cpuMs,
    resetPeakRss: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    exited: () => done,
    async stop(graceMs = 10_000) {
      stopping = true;
      if (done) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL'); // the leader is gone; nothing it started may outlive it
      unregister();
    },
  };
  const unregister = onCleanup(() => child.stop(3_000));

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  try {
    for (;;) {
      if (done) throw new Error(`${opts.name} exited during start-up (code ${proc.exitCode}, signal ${proc.signalCode}):\n${out.slice(-4000)}`);
      if (await Promise.resolve(opts.ready(out)).catch(() => false)) return child;
      if (Date.now() > deadline) throw new Error(`${opts.name} not ready after ${opts.timeoutMs ?? 60_000} ms:\n${out.slice(-4000)}`);
      await sleep(100);
    }
  } catch (e) {
    await child.stop(2_000);
    throw e;
  }
}

let ticks: number | undefined;
/** USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on every Linux we run on). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** True once GET `url` answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.ok;
}

export const MB = (bytes: number | undefined) => (bytes === undefined ? Number.NaN : Math.round((bytes / 1024 / 1024) * 10) / 10);
