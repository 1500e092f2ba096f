/** The PGlite folder lock: held by a live gateway it refuses; naming a dead or unrelated process it is taken over. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/node/data-lock.js';
import { tempDir } from './support/gateway-process.js';

const dir = tempDir('gateway-lock-test-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  dir.remove();
});

const lockOf = (dataDir: string) => `${dataDir}.lock`;
const ownedBy = (dataDir: string, pid: number) => writeFileSync(lockOf(dataDir), JSON.stringify({ pid, startedAt: new Date().toISOString() }));

function start(command: string, args: string[]): Promise<ChildProcess> {
  const c = spawn(command, args, { stdio: 'ignore' });
  children.push(c);
  return new Promise((resolve, reject) => (c.once('spawn', () => resolve(c)), c.once('error', reject)));
}

describe('lockDataDir', () => {
  it('writes our pid beside the folder and removes the lock on release', () => {
    const dataDir = join(dir.path, 'a', 'pglite');
    const release = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockOf(dataDir), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(existsSync(dataDir), 'the folder itself is PGlite’s to create').toBe(false);
    release();
    expect(existsSync(lockOf(dataDir))).toBe(false);
  });

  it('refuses a folder whose lock names a live Node process, naming it', async () => {
    const dataDir = join(dir.path, 'b', 'pglite');
    mkdirSync(join(dir.path, 'b'));
    const other = await start(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    ownedBy(dataDir, other.pid!);
    expect(() => lockDataDir(dataDir)).toThrow(`in use by another gateway (pid ${other.pid}`);
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    // Its process is gone: the lock is stale and taken over.
    const release = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockOf(dataDir), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });

  it.skipIf(!existsSync('/proc/self/cmdline'))('takes over a lock whose pid now belongs to something that is not Node', async () => {
    const dataDir = join(dir.path, 'c', 'pglite');
    mkdirSync(join(dir.path, 'c'));
    const sleeper = await start('sleep', ['60']);
    ownedBy(dataDir, sleeper.pid!);
    const release = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockOf(dataDir), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });
});
