import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { runScheduledSteps } from '../src/workers/scheduled-steps.js';

/** The gateway's own logger, writing its JSON lines where the test can read them. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('a Worker cron run', () => {
  it('logs a failing step through pino with its name (card numbers masked) and still runs the steps after it', async () => {
    const { logger, lines } = capturedLogger();
    let housekept = false;
    const failed = await runScheduledSteps(
      logger,
      {
        outbox: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 while sending 5201123456780001'), { code: 'ECONNREFUSED' });
        },
        purgeIdempotencyKeys: async () => {
          housekept = true;
          return 3;
        },
      },
      { cron: '* * * * *' },
    );
    expect(failed).toEqual(['outbox']);
    expect(housekept).toBe(true);
    const error = lines.find((l) => l.msg === 'scheduled step failed');
    expect(error).toMatchObject({ level: 50, step: 'outbox', cron: '* * * * *', service: 'prakerja-gateway' });
    const err = error!.err as { message: string };
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).not.toContain('5201123456780001');
    expect(lines.find((l) => l.msg === 'scheduled step done')).toMatchObject({ step: 'purgeIdempotencyKeys', result: 3 });
  });
});
