/**
 * `--sandbox`: the sandbox Worker instead, simulators included (tests and benchmarks run it from a
 * bundle built once, so that edits to the sources while they run do not reload the Worker);
 * `--out <dir>`: where to write it (default dist/worker-production or dist/worker-sandbox).
 *
 * The production Worker's first bundling pass (wrangler.toml `[env.production.build]`): src/worker.ts
 * with the sandbox and every simulator replaced by a stub that throws, so the bundle wrangler
 * deploys holds no simulator code and no demo world. wrangler's own `alias` is top-level only,
 * and the simulators are imported on demand from each platform's definition, so this is the one
 * place that can leave them out. wrangler then bundles the result as usual (nodejs_compat).
 */
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stub = join(root, 'src', 'workers', 'sandbox-excluded.ts');
/** Modules only the sandbox imports: the in-isolate sandbox and each platform's (and prakerja.go.id's) simulator. */
const SANDBOX_ONLY = /(^|\/)(sandbox-in-isolate|simulator|simulator-kit)\.js$/;

const args = process.argv.slice(2);
const sandbox = args.includes('--sandbox');
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? args[outArg + 1] : join(root, 'dist', sandbox ? 'worker-sandbox' : 'worker-production');
const result = await build({
  entryPoints: [join(root, 'src', 'worker.ts')],
  outfile: join(out, 'worker.js'),
  metafile: true,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // Only our own sources are bundled here; packages (and Node's built-ins) are left to wrangler's
  // pass, which resolves them for workerd (postgres.js's Workers build, pino's browser build, the
  // nodejs_compat polyfills that CommonJS packages such as opossum require).
  packages: 'external',
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'cloudflare:*'],
  logLevel: 'warning',
  plugins: sandbox ? [] : [{ name: 'no-sandbox', setup: (b) => b.onResolve({ filter: SANDBOX_ONLY }, () => ({ path: stub })) }],
});

// Every module that went in, for the test that checks no simulator did.
writeFileSync(join(out, 'meta.json'), JSON.stringify(result.metafile));
