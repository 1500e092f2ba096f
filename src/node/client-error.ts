import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../lib/problem.js';

/** Node's parser error codes that mean "your headers are too big" rather than "malformed". */
const TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW']);
const TIMEOUT = new Set(['ERR_HTTP_REQUEST_TIMEOUT']);

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** The problem a request the HTTP parser refused gets; no route ran, so it is the same for all. */
export function clientErrorProblem(code: string | undefined): Problem {
  if (code && TOO_LARGE.has(code)) {
    return { type: '/problems/request_header_fields_too_large', title: 'Request headers too large', status: 431, code: 'request_header_fields_too_large', detail: 'The request line and headers exceed what the server accepts; send fewer or shorter headers.' };
  }
  if (code && TIMEOUT.has(code)) {
    return { type: '/problems/request_timeout', title: 'Request timeout', status: 408, code: 'request_timeout', detail: 'The request was not received in time.' };
  }
  return { type: '/problems/malformed_request', title: 'Malformed HTTP request', status: 400, code: 'malformed_request', detail: 'The request line or a header is not valid HTTP/1.1 (header names and the request target must be ASCII tokens).' };
}

/**
 * Requests Node's HTTP parser refuses (oversized headers, a garbage request line, bytes outside
 * ASCII where HTTP forbids them) never reach Hono, and by default get a bare status line or a
 * reset. This answers them as problem+json like everything else, with an x-request-id to quote.
 */
export function answerClientErrors(server: Server, log?: { debug(obj: object, msg: string): void }): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away, or a socket already answered (e.g. a response is mid-flight when
    // a pipelined request is garbage): nothing can be said to it.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const problem = clientErrorProblem(err.code);
    const requestId = randomUUID();
    log?.debug({ code: err.code, status: problem.status, reqId: requestId }, 'request refused by the HTTP parser');
    const body = JSON.stringify(problem);
    const head = [
      `HTTP/1.1 ${problem.status} ${REASONS[problem.status]}`,
      `content-type: ${PROBLEM_CONTENT_TYPE}`,
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      'connection: close',
    ].join('\r\n');
    // The parser cannot resynchronise after a refusal, so the connection ends with the answer.
    socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
  });
}
