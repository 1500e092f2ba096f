/**
 * The Node process as an operator meets it: start-up failures that say what to do, a PGlite
 * folder one process at a time, signals that reach the gateway through `npm start`, and a
 * SIGTERM that lets a request in flight finish. Real processes on free ports, killed on failure.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TokenKeys } from '../src/auth/tokens.js';
import { DEMO_PROVIDERS, SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';
import { exitWithin, freePort, groupAlive, spawnGateway, tempDir, waitHealthy, type GatewayProcess } from './support/gateway-process.js';

const MAIN = ['--import', 'tsx', 'src/node/main.ts'];
const started: GatewayProcess[] = [];
const dirs: { remove: () => void }[] = [];

function gateway(port: number, env: Record<string, string>, command = process.execPath, args = MAIN): GatewayProcess {
  const g = spawnGateway(command, args, { port, env });
  started.push(g);
  return g;
}

function scratch(): string {
  const d = tempDir('gateway-process-test-');
  dirs.push(d);
  return d.path;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.kill()));
});
afterAll(() => dirs.forEach((d) => d.remove()));

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

describe('start-up failures', () => {
  it('a port in use: one line naming the port, exit 1, and the database is never opened', async () => {
    const blocker = createTcpServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const dataDir = join(scratch(), 'pglite');
      const g = gateway(port, { DATA_DIR: dataDir });
      const { code } = await exitWithin(g, 20_000);
      expect(code, g.output()).toBe(1);
      const lines = g.output().trim().split('\n');
      expect(lines, g.output()).toHaveLength(1);
      expect(lines[0]).toContain(`Port ${port}`);
      expect(lines[0]).toContain('already in use');
      expect(lines[0]).toContain('set PORT');
      expect(existsSync(dataDir), 'the PGlite folder was created').toBe(false);
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('invalid configuration: the list of what is wrong, exit 1', async () => {
    const g = gateway(await freePort(), { DATA_DIR: join(scratch(), 'pglite'), LOG_LEVEL: 'loud', DISPATCH_BATCH: '0' });
    const { code } = await exitWithin(g, 20_000);
    expect(code, g.output()).toBe(1);
    expect(g.output()).toContain('Invalid environment');
    expect(g.output()).toContain('LOG_LEVEL');
    expect(g.output()).toContain('DISPATCH_BATCH');
  }, 30_000);
});

/**
 * The platform simulators in a process of their own, behind a proxy that holds every request
 * until released: a reconciliation run then stays in flight exactly as long as the test wants.
 */
async function heldSandbox(dataDir: string, gatewayPort: number) {
  const simPort = await freePort();
  const sim = spawnGateway(process.execPath, ['--import', 'tsx', 'src/node/sandbox-main.ts'], { port: simPort, env: { DATA_DIR: dataDir, GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` } });
  started.push(sim);
  const until = Date.now() + 30_000;
  while (!sim.output().includes('listening')) {
    if (Date.now() > until || sim.proc.exitCode !== null) throw new Error(`sandbox did not start:\n${sim.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  let held = 0;
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  let only: ((path: string) => boolean) | undefined;
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    if (!only || only(req.url ?? '')) {
      held++;
      await gate;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers.set(k, v);
    const method = req.method ?? 'GET';
    const upstream = await fetch(`http://127.0.0.1:${simPort}${req.url}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks) });
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'content-length': String(body.length) });
    res.end(body);
  };
  // A gateway killed mid-request aborts its calls here; that is the point, not a failure.
  const proxy: Server = createHttpServer((req, res) => void forward(req, res).catch(() => res.destroy()));
  const proxyPort = await new Promise<number>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve((proxy.address() as { port: number }).port)));
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    held: () => held,
    release: () => release(),
    /** Holds the requests `which` selects (every one when absent) until release(). */
    hold: (which?: (path: string) => boolean) => {
      only = which;
      gate = new Promise<void>((r) => (release = r));
    },
    close: () => {
      release();
      proxy.closeAllConnections();
      proxy.close();
    },
  };
}

describe('one PGlite folder, one process; SIGTERM finishes requests in flight; interrupted runs', () => {
  it('refuses a second gateway on a locked folder, finishes a run in flight on SIGTERM, and marks runs cut by a kill or by the deadline interrupted', async () => {
    const dir = scratch();
    const dataDir = join(dir, 'pglite');
    const port = await freePort();
    const sandbox = await heldSandbox(dataDir, port);
    const ops = await new TokenKeys(SANDBOX_SECRETS.auth).issue({ kind: 'ops', operator: 'test' }, 3600);
    const env = { DATA_DIR: dataDir, SANDBOX_URL: sandbox.url, SHUTDOWN_TIMEOUT_MS: '20000' };
    const base = `http://127.0.0.1:${port}`;
    let key = 0;
    const startRun = () =>
      fetch(`${base}/v1/ops/reconciliation/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json', 'idempotency-key': `run-${++key}-${Date.now()}` },
        body: JSON.stringify({ platform: 'tokopedia', from: new Date(Date.now() - 86_400_000).toISOString() }),
      });
    /** Waits until a request beyond the first `before` reached the held platform. */
    const waitHeld = async (before: number) => {
      const until = Date.now() + 20_000;
      while (sandbox.held() <= before) {
        if (Date.now() > until) throw new Error('the run never called the platform');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const runs = async () => {
      const r = await fetch(`${base}/v1/ops/reconciliation/runs?limit=10`, { headers: { authorization: `Bearer ${ops}` } });
      expect(r.status).toBe(200);
      return ((await r.json()) as { items: { id: number; status: string; error: string | null }[] }).items;
    };

    try {
      // 1. The first gateway holds the folder; a second one on it is refused with a clear line.
      const first = gateway(port, env);
      await waitHealthy(first, 90_000);
      const second = gateway(await freePort(), env);
      const refusal = await exitWithin(second, 30_000);
      expect(refusal.code, second.output()).toBe(1);
      expect(second.output()).toContain(`DATA_DIR ${dataDir} is in use by another gateway (pid ${first.proc.pid}`);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      // 2. SIGTERM during a run: no new connections, the run finishes and is answered, exit 0.
      const answer = startRun();
      await waitHeld(0);
      first.proc.kill('SIGTERM');
      const until = Date.now() + 10_000;
      while (!(await refused(port))) {
        if (Date.now() > until) throw new Error(`still accepting connections after SIGTERM:\n${first.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      sandbox.release();
      const res = await answer;
      expect(res.status, first.output()).toBeLessThan(300);
      const finished = (await res.json()) as { id: number; status: string };
      expect(finished.status).toBe('succeeded');
      expect(await exitWithin(first, 20_000), first.output()).toEqual({ code: 0, signal: null });
      for (const step of ['no longer accepting connections', 'requests in flight finished', 'outbox dispatcher finished', 'database closed', 'shutdown: done']) expect(first.output()).toContain(step);

      // 3. SIGKILL during a run: the lock is stale, the next start takes it over and says the run was interrupted.
      sandbox.hold();
      const killed = gateway(port, env);
      await waitHealthy(killed, 60_000);
      const before = sandbox.held();
      const cutRun = startRun().catch(() => undefined);
      await waitHeld(before);
      const runningId = (await runs()).find((r) => r.status === 'running')?.id;
      expect(runningId).toBeDefined();
      await killed.kill();
      await cutRun;
      sandbox.release();

      // 4. Restarted with a short deadline: the killed run is failed/interrupted. With prakerja.go.id's
      //    reporting API held (reports listed by the run, redemptions reported by the dispatcher),
      //    a run and an outbox delivery are in flight at SIGTERM: the run is cut and marked
      //    interrupted by the shutdown itself, the delivery's row given back, and the exit is still 0.
      sandbox.hold((path) => path.startsWith('/sandbox/prakerja/api/v1/integration/gateway/'));
      const third = gateway(port, { ...env, SHUTDOWN_TIMEOUT_MS: '500' });
      await waitHealthy(third, 60_000);
      const after = await runs();
      expect(after.find((r) => r.id === runningId)).toMatchObject({ status: 'failed', error: 'interrupted' });
      expect(after.find((r) => r.id === finished.id)).toMatchObject({ status: 'succeeded' });

      const provider = await new TokenKeys(SANDBOX_SECRETS.auth).issue({ kind: 'provider', providerId: DEMO_PROVIDERS[0].id }, 3600);
      const heldBefore = sandbox.held();
      const redeemed = await fetch(`${base}/v1/redemptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${provider}`, 'content-type': 'application/json', 'idempotency-key': `redeem-${Date.now()}` },
        body: JSON.stringify({ voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } }),
      });
      expect(redeemed.status, await redeemed.clone().text()).toBe(201);
      await waitHeld(heldBefore); // the dispatcher is delivering the redemption to prakerja.go.id
      const held = sandbox.held();
      const cut = startRun().then((r) => r.status, () => 'cut');
      await waitHeld(held);
      const t = Date.now();
      third.proc.kill('SIGTERM');
      expect(await exitWithin(third, 10_000), third.output()).toEqual({ code: 0, signal: null });
      expect(Date.now() - t).toBeLessThan(5_000);
      expect(await cut).toBe('cut');
      expect(third.output()).toContain('requests still in flight were cut');
      expect(third.output()).toMatch(/"runs":\[\d+\].*cut mid-way marked failed: interrupted/);
      expect(third.output()).toMatch(/"released":[1-9]\d*.*its leased rows released/);
      expect(existsSync(`${dataDir}.lock`), 'the lock outlived its gateway').toBe(false);
    } finally {
      sandbox.close();
    }
  }, 240_000);
});

describe('npm start', () => {
  it('passes SIGTERM to the gateway: npm ends and nothing it started is left running', async () => {
    const port = await freePort();
    const g = gateway(port, { DATA_DIR: join(scratch(), 'pglite') }, 'npm', ['start', '--silent']);
    await waitHealthy(g, 90_000);
    g.proc.kill('SIGTERM'); // npm itself, not its process group
    const { code } = await exitWithin(g, 20_000);
    expect(code, g.output()).toBe(0);
    expect(g.output()).toContain('shutdown: done');
    const until = Date.now() + 5_000;
    while (groupAlive(g) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(g), 'a process of `npm start` outlived it').toBe(false);
    expect(await refused(port)).toBe(true);
  }, 120_000);
});
