import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's settings for the embedded default. Postgres touches all of `shared_buffers` at start:
 * the default 128 MB put ~300 MB of RSS on a gateway that had not served a request; 32 MB puts
 * ~180 MB, with the same speed on the benchmarks' data (bench/README.md, PGlite memory).
 */
export const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * Creates a PGlite data folder that does not exist yet, in a short-lived child process. PGlite
 * runs initdb as a WASM module of its own whose memory stays with the process that ran it: a
 * gateway that initialised its folder itself held ~860 MB of RSS once started, one that opened
 * an existing folder ~180 MB. The child gives all of it back when it exits. `memory://` folders
 * (tests) cannot outlive a process and are initialised in place.
 */
export async function ensurePgliteFolder(dataDir: string): Promise<void> {
  if (dataDir.startsWith('memory://') || existsSync(join(dataDir, 'PG_VERSION'))) return;
  const fail = (why: string) => new Error(`could not create the PGlite data folder ${dataDir}: ${why}`);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw fail((e as Error).message);
  }
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = 'const { PGlite } = require(process.argv[1]); const db = new PGlite(process.argv[2]); db.waitReady.then(() => db.close());';
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ['-e', script, pglite, dataDir], { timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) reject(fail(stderr.trim() || err.message));
      else resolve();
    });
  });
}
