/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): self time by area (our code, each package,
 * Node internals, GC, idle) and the hottest functions. `npm run bench -- --profile` writes the
 * gateway's profile during the redemption load and prints this; on its own:
 *
 *   npx tsx bench/profile.ts path/to/file.cpuprofile [top=25]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Samples not idle. */
  busyMs: number;
  areas: Array<{ area: string; ms: number; pct: number }>;
  top: Array<{ fn: string; where: string; area: string; ms: number; pct: number }>;
  text: string;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Which part of the system a frame belongs to: a package, our own folder, Node, or V8's pseudo-frames. */
function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `pkg ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const rel = url.replace(/^file:\/\//, '').replace(ROOT, '');
  const parts = rel.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : rel;
}

function where(url: string, line: number): string {
  if (!url) return '';
  const rel = url.replace(/^file:\/\//, '').replace(ROOT, '');
  const nm = rel.lastIndexOf('node_modules/');
  return `${nm >= 0 ? rel.slice(nm + 'node_modules/'.length) : rel}:${line + 1}`;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // timeDeltas[i + 1] is the time until the next sample: the time sample i was running.
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);

  const areas = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; area: string; ms: number }>();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const fn = functionName || '(anonymous)';
    const w = where(url, lineNumber);
    const key = `${fn}@${w}`;
    const e = fns.get(key) ?? { fn, where: w, area, ms: 0 };
    e.ms += ms;
    fns.set(key, e);
  }
  const pct = (ms: number) => Math.round((ms / totalMs) * 1000) / 10;
  const areaRows = [...areas].map(([area, ms]) => ({ area, ms: Math.round(ms), pct: pct(ms) })).sort((a, b) => b.ms - a.ms);
  const busy = areaRows.filter((a) => a.area !== '(idle)').reduce((s, a) => s + a.ms, 0);
  const topRows = [...fns.values()]
    .filter((f) => f.area !== '(idle)')
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((f) => ({ ...f, ms: Math.round(f.ms), pct: pct(f.ms) }));

  const text = [
    `sampled ${(totalMs / 1000).toFixed(1)} s, busy (not idle) ${(busy / 1000).toFixed(1)} s`,
    'self time by area (% of all samples):',
    ...areaRows.slice(0, 20).map((a) => `  ${String(a.pct).padStart(5)}%  ${String(a.ms).padStart(7)} ms  ${a.area}`),
    `top ${top} functions by self time:`,
    ...topRows.map((f) => `  ${String(f.pct).padStart(5)}%  ${String(f.ms).padStart(7)} ms  ${f.fn}  ${f.where}`),
  ].join('\n');
  return { file, totalMs: Math.round(totalMs), busyMs: busy, areas: areaRows, top: topRows, text };
}

/**
 * The busiest profile of each folder under `dir` (one folder per process profiled). Node writes
 * one profile per thread; with `--import tsx` the module loader runs on a thread of its own,
 * whose profile is start-up only, so the main thread's is the busiest.
 */
export function summariseProfiles(dir: string, top = 25): ProfileSummary[] {
  const out: ProfileSummary[] = [];
  const list = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const folder of [dir, ...list(dir).filter((e) => e.isDirectory()).map((e) => join(dir, e.name))]) {
    const summaries = list(folder)
      .filter((e) => e.isFile() && e.name.endsWith('.cpuprofile'))
      .map((e) => summariseProfile(join(folder, basename(e.name)), top));
    const busiest = summaries.sort((a, b) => b.busyMs - a.busyMs)[0];
    if (busiest) out.push(busiest);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/profile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${summariseProfile(file, n ? Number(n) : 25).text}\n`);
}
