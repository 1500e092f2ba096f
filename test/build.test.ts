/**
 * The production artifact: `npm run build` output, installed with production dependencies only
 * in a scratch folder (no tsx, no devDependencies, no source), starts, answers and stops cleanly.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitWithin, freePort, ROOT, spawnGateway, tempDir, waitHealthy, type GatewayProcess } from './support/gateway-process.js';

const scratch = tempDir('gateway-build-test-');
let gateway: GatewayProcess | undefined;

afterAll(async () => {
  await gateway?.kill();
  scratch.remove();
});

function run(cmd: string, args: string[], cwd: string, timeoutMs: number) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/**
 * What `npm ci --omit=dev` installs, taken from package-lock.json and copied (not linked: Node
 * would resolve a link's dependencies from its real path, where devDependencies are) out of this
 * checkout's node_modules. `npm ci` itself takes half a minute here for the same 41 packages.
 * Set BUILD_TEST_NPM_CI=1 to run the real `npm ci --omit=dev` instead.
 */
function installProductionDependencies(app: string) {
  if (process.env.BUILD_TEST_NPM_CI) {
    const install = run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 120_000);
    expect(install.code, install.output).toBe(0);
    return;
  }
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }> };
  const production = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.devOptional);
  expect(production.length).toBeGreaterThan(10);
  // Nested entries (node_modules/a/node_modules/b) come with their parent's folder.
  for (const [path, p] of production.filter(([path]) => !path.slice('node_modules/'.length).includes('/node_modules/'))) {
    const from = join(ROOT, path);
    // Optional packages for other platforms are in the lock but not on this machine.
    if (!existsSync(from) && p.optional) continue;
    cpSync(from, join(app, path), { recursive: true, dereference: true });
  }
}

describe('production build', () => {
  beforeAll(() => {
    const build = run('npm', ['run', 'build'], ROOT, 60_000);
    expect(build.code, build.output).toBe(0);
    const app = join(scratch.path, 'app');
    for (const part of ['src', 'adapters', 'migrations', 'assets']) cpSync(join(ROOT, 'dist', part), join(app, 'dist', part), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    installProductionDependencies(app);
  }, 120_000);

  it('installs without devDependencies and without the TypeScript sources', () => {
    const app = join(scratch.path, 'app');
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild', '@scalar/api-reference']) expect(existsSync(join(app, 'node_modules', dev)), `${dev} was installed`).toBe(false);
    expect(existsSync(join(app, 'src'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:prod']).toContain('dist/src/node/main.js');
  });

  it('starts with `node dist/src/node/main.js`, answers /healthz and the docs script, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    gateway = spawnGateway(process.execPath, ['dist/src/node/main.js'], { cwd: join(scratch.path, 'app'), port, env: { DATA_DIR: join(scratch.path, 'data', 'pglite') } });
    await waitHealthy(gateway, 60_000);

    const docs = await fetch(`${gateway.base}/docs`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('/docs/assets/scalar.js');
    expect(html).not.toContain('cdn.jsdelivr.net');
    const script = await fetch(`${gateway.base}/docs/assets/scalar.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1_000_000);

    gateway.proc.kill('SIGTERM');
    const { code, signal } = await exitWithin(gateway, 15_000);
    expect({ code, signal }, gateway.output()).toEqual({ code: 0, signal: null });
  }, 90_000);
});
