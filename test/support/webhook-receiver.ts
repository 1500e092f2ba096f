import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** How a path answers its n-th request (0-based): a status, optionally after a delay. */
export type Behaviour = (n: number) => { status: number; delayMs?: number; body?: string };

/**
 * A provider's backend on a loopback port: real HTTP, every request recorded raw (headers and the
 * body's exact bytes) so a test can verify signatures with a library that is not the gateway's.
 */
export async function startReceiver(): Promise<{ url: (path: string) => string; received: Received[]; on(path: string, b: Behaviour): void; close(): Promise<void> }> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const flat = (h: IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      received.push({ path, headers: flat(req.headers), body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const b: ReturnType<Behaviour> = (behaviours.get(path) ?? (() => ({ status: 204 })))(n);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(b.status, { 'content-type': 'text/plain' });
        res.end(b.body ?? '');
      };
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path, b) => behaviours.set(path, b),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
