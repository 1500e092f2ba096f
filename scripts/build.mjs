/**
 * `npm run build`: the Node gateway as plain JavaScript in dist/, runnable with production
 * dependencies only (`npm run start:prod`). Plain JS (no tsx) so it runs before anything is built.
 *
 * esbuild transpiles file by file, keeping the source layout (dist/src/node/main.js), so paths
 * computed from import.meta.url (the migrations folder) resolve the same way from dist/ as from
 * the sources. It does not type-check: `npm run typecheck` (part of `npm test`) does.
 */
import { build } from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');

/** The Workers entry never runs on Node; leaving it out keeps dist/ free of Workers-only code. */
const skip = new Set([join(root, 'src', 'worker.ts')]);

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(path) && !path.endsWith('.d.ts') && !skip.has(path) ? [path] : [];
  });
}

const started = performance.now();
// dist/worker (wrangler's dry-run output) is not ours to delete; everything we write is.
for (const part of ['src', 'adapters', 'migrations', 'assets']) rmSync(join(out, part), { recursive: true, force: true });

await build({
  entryPoints: [...sources(join(root, 'src')), ...sources(join(root, 'adapters'))],
  outdir: out,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

// Applied at start-up from dist/migrations (src/node/database.ts resolves ../../migrations).
cpSync(join(root, 'migrations'), join(out, 'migrations'), { recursive: true });

// The docs page's script, served by the gateway itself so /docs works without internet. It is
// copied rather than depended on at run time: @scalar/api-reference would pull some 380 packages
// (Vue and friends) into a production install for this one self-contained file.
const require = createRequire(import.meta.url);
const scalarDist = dirname(require.resolve('@scalar/api-reference'));
const standalone = join(scalarDist, 'browser', 'standalone.js');
if (!existsSync(standalone)) throw new Error(`Scalar's standalone bundle is missing at ${standalone}`);
mkdirSync(join(out, 'assets'), { recursive: true });
copyFileSync(standalone, join(out, 'assets', 'scalar-standalone.js'));
const license = join(scalarDist, '..', 'LICENSE');
if (existsSync(license)) copyFileSync(license, join(out, 'assets', 'scalar-LICENSE'));

process.stdout.write(`built ${relative(root, out)}/ in ${Math.round(performance.now() - started)} ms\n`);
