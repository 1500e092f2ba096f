import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskCardNumber, maskDigitRuns, maskNik } from './mask.js';

const CARD_PATHS = ['cardNumber', 'card_number', 'participant.cardNumber', 'body.cardNumber', 'req.body.cardNumber'];
const NIK_PATHS = ['nik', 'participant.nik', 'body.nik'];

function censor(value: unknown, path: string[]): unknown {
  if (typeof value !== 'string') return '[redacted]';
  const key = path[path.length - 1];
  return key === 'nik' ? maskNik(value) : maskCardNumber(value);
}

/**
 * JSON logs with card numbers and NIK masked wherever they appear by name, and any bare
 * 16-digit run masked inside the message and error text.
 */
export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const paths = [...CARD_PATHS, ...NIK_PATHS].flatMap((p) => [p, `*.${p}`]);
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'prakerja-gateway' },
      // The trace a line was written in, so logs and traces find each other. Only a recording span's:
      // otherwise (tracing off) the request's logger was bound with the caller's trace id instead.
      mixin: () => {
        const span = trace.getActiveSpan();
        return span?.isRecording() ? { traceId: span.spanContext().traceId } : {};
      },
      redact: { paths, censor },
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = maskDigitRuns(args[i] as string);
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
      // Workers resolve pino's browser build, which skips the hooks above: mask the whole line there.
      browser: { asObject: true, serialize: true, write: (o: object) => console.log(maskDigitRuns(JSON.stringify(o))) },
      serializers: {
        err: (e: Error) => ({ type: e.name, message: maskDigitRuns(e.message), stack: e.stack && maskDigitRuns(e.stack) }),
      },
    },
    opts.destination,
  );
}

export type { Logger };
