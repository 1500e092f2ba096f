import { StartupError } from './http-server.js';

/** Stops what main started; `signal` is what asked for it. */
export type Stop = (signal: NodeJS.Signals) => Promise<void>;

/**
 * Runs a Node entry point. A start-up failure prints its message (which port is taken, which
 * environment variables are wrong) and exits 1. SIGINT/SIGTERM run the returned stop once, then
 * exit 0; a signal that arrives while main is still starting is acted on once it has started.
 */
export function runMain(main: () => Promise<Stop>): void {
  let stop: Stop | undefined;
  let requested: NodeJS.Signals | undefined;

  const finish = async (signal: NodeJS.Signals) => {
    try {
      await stop!(signal);
      process.exit(0);
    } catch (e) {
      process.stderr.write(`shutdown failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    }
  };

  const onSignal = (signal: NodeJS.Signals) => {
    // One shutdown only: Ctrl-C in a terminal reaches both npm (which forwards it) and node, and a
    // second signal must not cut short the requests the first one is letting finish.
    if (requested) return;
    requested = signal;
    if (stop) void finish(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  main()
    .then((s) => {
      stop = s;
      if (requested) void finish(requested);
    })
    .catch((e: unknown) => {
      // StartupError and the environment's list of problems are the whole story; anything else
      // is unexpected and its stack helps.
      const known = e instanceof StartupError || (e instanceof Error && e.message.startsWith('Invalid environment'));
      process.stderr.write(`${e instanceof Error ? (known ? e.message : (e.stack ?? e.message)) : String(e)}\n`);
      process.exit(1);
    });
}
