import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sandboxKeys, type SandboxKeys } from '../sandbox/sandbox.js';

/**
 * The sandbox's generated keys, kept in the data folder so that every process of one sandbox
 * (the gateway, `npm run worker`, a separate simulator process) signs and verifies alike.
 */
export async function loadOrCreateSandboxKeys(dataDir: string): Promise<SandboxKeys> {
  // Beside the PGlite folder, not inside it: that one belongs to Postgres.
  const dir = dataDir.startsWith('memory://') ? '.data' : dirname(dataDir);
  const file = join(dir, 'sandbox-keys.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SandboxKeys;
  } catch {
    const keys = await sandboxKeys();
    mkdirSync(dir, { recursive: true });
    try {
      // 'wx': if another process of this sandbox won the race, use its keys instead of ours.
      writeFileSync(file, JSON.stringify(keys), { flag: 'wx', mode: 0o600 });
      return keys;
    } catch {
      return JSON.parse(readFileSync(file, 'utf8')) as SandboxKeys;
    }
  }
}
