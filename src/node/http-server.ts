import { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { answerClientErrors } from './client-error.js';

type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A start-up failure whose message is the whole story: printed as one line, no stack. */
export class StartupError extends Error {}

export interface HttpServer {
  server: Server;
  port: number;
  /** Requests whose answer has not finished yet. */
  inFlight: () => number;
  /**
   * Stops accepting, lets requests in flight finish until `deadline` (epoch ms), then cuts the
   * connections still open. Resolves with how many requests were cut.
   */
  drain: (deadline: number) => Promise<number>;
}

function friendly(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(`Port ${port} on ${host} is already in use (another gateway?). Stop whatever listens there, or set PORT to a free port.`);
    case 'EACCES':
      return new StartupError(`Not allowed to listen on port ${port} on ${host}. Use a port above 1023, or set PORT.`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST ${host} is not an address of this machine. Set HOST to one of its addresses (127.0.0.1, 0.0.0.0, …).`);
    default:
      return err;
  }
}

/**
 * Binds the port before anything else is opened, so a second gateway started by mistake fails at
 * once with one line instead of opening the database the first one is using. Requests are
 * answered by `handler()`, which the caller swaps in once the app is assembled.
 */
export async function listenHttp(opts: { host: string; port: number; handler: () => FetchHandler; log?: { debug(obj: object, msg: string): void } }): Promise<HttpServer> {
  const server = createAdaptorServer({ fetch: (req: Request) => opts.handler()(req), hostname: opts.host });
  if (!(server instanceof Server)) throw new Error('expected a node:http server');
  answerClientErrors(server, opts.log);

  let inFlight = 0;
  let draining = false;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      // close() drops idle keep-alive connections only once; one whose request finishes
      // afterwards would otherwise hold the server open until its keep-alive timeout.
      if (draining) server.closeIdleConnections();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(friendly(err, opts.host, opts.port));
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  const drain = async (deadline: number) => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
    const outcome = await Promise.race([closed.then(() => 'closed' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'closed') return 0;
    const cut = inFlight;
    server.closeAllConnections();
    await closed;
    return cut;
  };

  return { server, port, inFlight: () => inFlight, drain };
}
