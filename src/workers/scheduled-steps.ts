import type { Logger } from 'pino';

/**
 * Runs a cron's steps one after the other. A failure (the database down, say) is logged through
 * the gateway's logger with the step's name and does not stop the steps after it; nothing is
 * thrown into the runtime, where it would surface as an unlabelled uncaught error. The next run
 * of the cron tries again. Resolves with the names of the steps that failed.
 */
export async function runScheduledSteps(logger: Logger, steps: Record<string, () => Promise<unknown>>, context: Record<string, unknown> = {}): Promise<string[]> {
  const failed: string[] = [];
  for (const [step, run] of Object.entries(steps)) {
    try {
      const result = await run();
      logger.info({ ...context, step, result }, 'scheduled step done');
    } catch (err) {
      failed.push(step);
      logger.error({ ...context, step, err }, 'scheduled step failed');
    }
  }
  return failed;
}
