import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Nothing leaves the machine: no telemetry, no account lookups, no update check. */
export const WRANGLER_OFFLINE = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_TELEMETRY_DISABLED: '1',
  CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
  CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'false',
  CI: 'true',
};

/**
 * The sandbox Worker (wrangler.toml's top level: local Queues, crons) under workerd through
 * wrangler's `unstable_startWorker`, local mode. It runs a bundle built once into `scratch`
 * (scripts/build-worker.mjs --sandbox) rather than src/worker.ts: wrangler's bundler always
 * watches what it bundles, and an edit to the sources made meanwhile (by anyone) would reload
 * the Worker and lose its in-isolate simulators' state. The prebuilt file does not change. `vars` are string bindings (DATABASE_URL, MAX_BODY_BYTES, …).
 */
export async function startSandboxWorker(opts: { scratch: string; vars: Record<string, string>; testScheduled?: boolean }) {
  Object.assign(process.env, WRANGLER_OFFLINE, { XDG_CONFIG_HOME: join(opts.scratch, 'config'), WRANGLER_LOG_PATH: join(opts.scratch, 'logs') });
  // Inside the project (.wrangler/ is git-ignored): wrangler resolves the bundle's packages from node_modules.
  const out = join(ROOT, '.wrangler', 'test-bundles', basename(opts.scratch));
  // An empty env file in place of .dev.vars / .env, so a developer's local settings cannot leak in.
  const noEnv = join(opts.scratch, 'empty.env');
  writeFileSync(noEnv, '');
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-worker.mjs'), '--sandbox', '--out', out], { cwd: ROOT });
  const { unstable_startWorker } = await import('wrangler');
  const worker = await unstable_startWorker({
    config: join(ROOT, 'wrangler.toml'),
    entrypoint: join(out, 'worker.js'),
    envFiles: [noEnv],
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    build: { nodejsCompatMode: 'v2' },
    bindings: Object.fromEntries(Object.entries(opts.vars).map(([k, value]) => [k, { type: 'plain_text' as const, value }])),
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: join(opts.scratch, 'state'),
      watch: false,
      logLevel: 'warn',
      // GET /__scheduled?cron=… runs `scheduled` (Worker.scheduled() of this wrangler looks in the proxy's runtime).
      testScheduled: opts.testScheduled ?? false,
    },
  });
  await worker.ready;
  return {
    worker,
    async dispose() {
      await worker.dispose();
      rmSync(out, { recursive: true, force: true });
    },
  };
}
