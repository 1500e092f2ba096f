import { http } from 'msw';
import { setupServer } from "msw/node";

/** Something that answers web-standard requests: a Hono app, a simulator. */
export interface Fetchable {
  fetch(req: Request): Response | Promise<Response>;
}

/**
 * An msw handler that forwards every request under `baseUrl` to a sandbox simulator, so tests run
 * the adapter's real HTTP, signing and parsing code against the same contract as `npm start`.
 */
export function forwardTo(baseUrl: string, target: Fetchable) {
  return http.all(`${baseUrl}/*`, async ({ request }) => target.fetch(request));
}

/** Starts an msw server for the file; unhandled requests fail the test rather than leak out. */
export function mockNetwork(...handlers: Parameters<typeof setupServer>): ReturnType<typeof setupServer> {
  const server = setupServer(...handlers);
  server.listen({ onUnhandledRequest: 'error' });
  return server;
}
