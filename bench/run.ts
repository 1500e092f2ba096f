/**
 * `npm run bench [-- --smoke] [--only a,b] [--out dir] [--profile]`
 *
 * Runs every `bench/*.bench.ts` module (each exports `run(opts): Promise<BenchRow[]>`), prints
 * one table and writes the same figures, with the machine they came from, to
 * `bench/results/<timestamp>.json`. Benchmarks never assert timings; the run fails (exit 1) only
 * when a benchmark throws. `--smoke` sends a few hundred requests per benchmark (the test suite
 * runs it so the harness cannot rot); `--profile` writes CPU profiles of the processes under
 * test to `<out>/profiles/` where a benchmark supports it (redemption: the Postgres gateway).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCleanups } from './lib/proc.js';
import { summariseProfiles } from './profile.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Cheap and quiet ones first, so a noisy neighbour started by a later one cannot disturb them. */
const PREFERRED_ORDER = ['names', 'redemption', 'batch', 'outbox'];

function parseArgs(argv: string[]) {
  const args = { smoke: false, only: [] as string[], out: join(BENCH_DIR, 'results'), profile: false, soak: undefined as number | undefined, soakSample: undefined as number | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--smoke') args.smoke = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--soak') args.soak = positive(a, argv[++i]);
    else if (a === '--soak-sample') args.soakSample = positive(a, argv[++i]);
    else if (a === '--only') args.only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (a.startsWith('--only=')) args.only.push(...a.slice(7).split(',').filter(Boolean));
    else if (a === '--out') args.out = resolve(argv[++i] ?? '');
    else if (a.startsWith('--out=')) args.out = resolve(a.slice(6));
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench -- [--smoke] [--only names,redemption] [--out dir] [--profile]\n       npm run bench -- --soak <minutes> [--soak-sample <seconds>] [--out dir]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

function positive(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got ${v}`);
  return n;
}

/** `--soak`: the long mixed run of bench/soak.ts instead of the benchmarks; its report is written beside theirs. */
async function soak(args: ReturnType<typeof parseArgs>, minutes: number) {
  const started = new Date();
  mkdirSync(args.out, { recursive: true });
  const { runSoak, formatSoak } = await import('./soak.js');
  const result = await runSoak({ minutes, sampleSeconds: args.soakSample });
  const cpu = cpus();
  const machine = { cores: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', node: process.version, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) };
  const file = join(args.out, `soak-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ date: started.toISOString(), soak: true, machine, ...result }, null, 2)}\n`);
  process.stdout.write(`\n${formatSoak(result)}\n\n${result.totals.requests} requests, ${result.totals.failures} failed, ${result.totals.skipped} skipped; reconciliation ${result.reconciliation?.status ?? 'not run'} → ${file}\n`);
}

function discover(only: string[]): string[] {
  const names = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length));
  const rank = (n: string) => (PREFERRED_ORDER.includes(n) ? PREFERRED_ORDER.indexOf(n) : PREFERRED_ORDER.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return only.length ? names.filter((n) => only.includes(n)) : names;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** One table: right-aligned numbers, the baseline and ratio beside each figure that has one. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['group', 'name', 'value', 'unit', 'baseline', 'baseline value', 'ratio', 'notes'];
  const body = rows.map((r) => [r.group, r.name, fmt(r.value), r.unit, r.baseline?.name ?? '', fmt(r.baseline?.value), r.ratio === undefined ? '' : fmt(r.ratio), r.notes ?? '']);
  const numeric = new Set([2, 5, 6]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...body.map(line)].join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.soak !== undefined) return soak(args, args.soak);
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  mkdirSync(args.out, { recursive: true });
  const opts: BenchOptions = { smoke: args.smoke, ...(args.profile ? { profileDir: join(args.out, 'profiles', stamp) } : {}) };
  if (opts.profileDir) mkdirSync(opts.profileDir, { recursive: true });

  const modules = discover(args.only);
  if (modules.length === 0) throw new Error(`no benchmark matches --only ${args.only.join(',')}`);
  const rows: BenchRow[] = [];
  const failures: Array<{ bench: string; error: string }> = [];
  const timings: Record<string, number> = {};
  for (const name of modules) {
    const t0 = performance.now();
    process.stderr.write(`▶ ${name}${args.smoke ? ' (smoke)' : ''} …\n`);
    try {
      const mod = (await import(`./${name}.bench.ts`)) as BenchModule;
      if (typeof mod.run !== 'function') throw new Error(`bench/${name}.bench.ts exports no run()`);
      const got = await mod.run(opts);
      rows.push(...got);
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      failures.push({ bench: name, error });
      process.stderr.write(`✖ ${name} failed: ${error}\n`);
    } finally {
      await runCleanups();
    }
    timings[name] = Math.round(performance.now() - t0);
    process.stderr.write(`  ${name}: ${(timings[name] / 1000).toFixed(1)} s\n`);
  }

  const cpu = cpus();
  const result = {
    date: started.toISOString(),
    smoke: args.smoke,
    machine: {
      cores: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      totalMemoryMB: Math.round(totalmem() / 2 ** 20),
      freeMemoryMBAtStart: Math.round(freemem() / 2 ** 20),
      loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    durationMs: Math.round(Date.now() - started.getTime()),
    benchmarks: timings,
    rows,
    failures,
    ...(opts.profileDir ? { profiles: summariseProfiles(opts.profileDir) } : {}),
  };
  const file = join(args.out, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  process.stdout.write(`${cpu.length} × ${result.machine.cpuModel}, Node ${process.version}, ${result.smoke ? 'smoke' : 'full'} run in ${(result.durationMs / 1000).toFixed(1)} s → ${file}\n`);
  if (result.profiles) for (const p of result.profiles) process.stdout.write(`\nCPU profile ${p.file}:\n${p.text}\n`);
  if (failures.length) {
    process.stderr.write(`\n${failures.length} benchmark(s) failed: ${failures.map((f) => f.bench).join(', ')}\n`);
    process.exitCode = 1;
  }
}

// npm and tsx relay a Ctrl-C to this process on top of the terminal's own: the first one starts
// the cleanup, the others must not kill the process halfway through it.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping child processes and dropping scratch databases …\n`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main()
  .catch(async (e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await runCleanups();
    // Keep-alive sockets and pools must not keep the runner alive; exitCode is kept.
    process.exit();
  });
