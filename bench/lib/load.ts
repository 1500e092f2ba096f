import autocannon from 'autocannon';

export interface PreparedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Responses received. */
  responses: number;
  seconds: number;
  /** Responses per second over the whole run. */
  rps: number;
  /** Latency percentiles (ms, full precision) of the 2xx responses. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** Non-2xx answers, socket errors and timeouts. */
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** The q-quantile (0..1) of sorted values, nearest-rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/**
 * Sends every request of `requests` exactly once (in order, spread over `connections`
 * keep-alive connections) with autocannon, and measures latency at full precision from its
 * per-response events (autocannon's own histogram rounds to whole milliseconds).
 */
export function load(opts: { url: string; connections: number; requests: PreparedRequest[]; timeoutS?: number }): Promise<LoadResult> {
  const list = opts.requests;
  if (list.length === 0) throw new Error('load: no requests');
  let next = 0;
  const ok: number[] = [];
  const all: number[] = [];
  const started = performance.now();
  let lastResponseAt = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: Math.min(opts.connections, list.length),
        amount: list.length,
        timeout: opts.timeoutS ?? 30,
        requests: [
          {
            setupRequest: (req) => {
              // Wraps only if autocannon asks for more than `amount` (it does not): a reused voucher would show as an error.
              const r = list[next++ % list.length];
              return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body ?? '' };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        // Not "now": autocannon notices the end of a fixed-amount run on its one-second tick.
        const seconds = (lastResponseAt - started) / 1000;
        const lat = Float64Array.from(ok.length ? ok : all).sort();
        const responses = all.length;
        resolve({
          responses,
          seconds,
          rps: responses / seconds,
          p50: quantile(lat, 0.5),
          p90: quantile(lat, 0.9),
          p99: quantile(lat, 0.99),
          p999: quantile(lat, 0.999),
          max: lat.length ? lat[lat.length - 1] : Number.NaN,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      lastResponseAt = performance.now();
      all.push(ms);
      if (statusCode >= 200 && statusCode < 300) ok.push(ms);
    });
  });
}

/** Non-2xx + socket errors + timeouts: everything that was not a success. */
export const failures = (r: LoadResult) => r.non2xx + r.errors + r.timeouts;

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);
