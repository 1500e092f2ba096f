/**
 * Runs a Node entry point: a start-up failure prints its message (e.g. which environment variable
 * is wrong) and exits 1; SIGINT/SIGTERM run the returned shutdown once, then exit 0.
 */
export function runMain(main: () => Promise<() => Promise<void>>): void {
  main()
    .then((shutdown) => {
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await shutdown();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((e) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
