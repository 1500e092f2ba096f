/** One figure of a benchmark run: what `npm run bench` prints as a table row and writes to JSON. */
export interface BenchRow {
  /** The benchmark it belongs to, e.g. "redemption". */
  group: string;
  /** What was measured, e.g. "gateway · Postgres · c=16 throughput". */
  name: string;
  value: number;
  /** "req/s", "ms", "MB", "count", "pairs/s", ... */
  unit: string;
  /** The same figure for the baseline measured in the same run, when there is one. */
  baseline?: { name: string; value: number };
  /** value / baseline.value (or as the notes say), so noisy machines still compare like with like. */
  ratio?: number;
  notes?: string;
}

/** What the runner passes to every `bench/*.bench.ts` module's `run`. */
export interface BenchOptions {
  /** A few hundred requests per benchmark, fast: the CI guard that the harness still runs. */
  smoke: boolean;
  /** Set by `--profile`: where to write CPU profiles of the process under test (when a benchmark supports it). */
  profileDir?: string;
}

/** The shape of a benchmark module. */
export type BenchModule = { run(opts: BenchOptions): Promise<BenchRow[]> };
