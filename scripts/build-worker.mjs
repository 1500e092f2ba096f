/**
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

const out = join(root, 'dist', 'worker-production');
const result = await build({
  entryPoints: [join(root, 'src', 'worker.ts')],
  outfile: join(out, 'worker.js'),
  metafile: true,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // What wrangler resolves with: the Workers builds of postgres.js, the browser build of pino.
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'cloudflare:*'],
  logLevel: 'warning',
  plugins: [
    {
      name: 'no-sandbox',
      setup(b) {
        b.onResolve({ filter: SANDBOX_ONLY }, () => ({ path: stub }));
      },
    },
  ],
});

// Every module that went in, for the test that checks no simulator did.
writeFileSync(join(out, 'meta.json'), JSON.stringify(result.metafile));
