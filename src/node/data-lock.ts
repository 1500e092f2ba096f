import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupError } from './http-server.js';

interface LockOwner {
  pid: number;
  startedAt: string;
}

/** Whether `pid` is a live Node process: after a reboot or in a new container the pid may be reused by something else. */
function aliveGateway(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    // No /proc (macOS): a live pid is taken at its word.
    return true;
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, startedAt: String(owner.startedAt) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Embedded PGlite belongs to one process: two opening the same folder corrupt it. The lock file
 * sits beside the folder (`<DATA_DIR>.lock`; the folder itself is Postgres's) and names the
 * owner's pid; a lock whose process is gone (a crash, SIGKILL) is taken over.
 * Returns the release function; the lock is also released if the process exits without it.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir.replace(/\/+$/, '')}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const me: LockOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(file);
    if (owner && owner.pid !== process.pid && aliveGateway(owner.pid)) {
      throw new StartupError(
        `DATA_DIR ${dataDir} is in use by another gateway (pid ${owner.pid}, started ${owner.startedAt}). Stop that one first, or set DATA_DIR to another folder (or DATABASE_URL to use PostgreSQL). If no gateway is running, delete ${file}.`,
      );
    }
    // Stale (its process is gone) or unreadable (a crash mid-write): take it over, once. A second
    // EEXIST means another starter took it over first, and the check above names it.
    if (attempt > 0) throw new StartupError(`Could not take over the stale lock ${file}; delete it if no gateway is running.`);
    try {
      unlinkSync(file);
    } catch {
      /* another starter removed it first */
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own: never remove a lock another process took over.
    if (readOwner(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', release);
  return release;
}
