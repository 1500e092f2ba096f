import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PLATFORMS } from '../../adapters/registry.js';
import { sandboxKeys, type SandboxKeys } from '../sandbox/sandbox.js';

/**
 * The sandbox's generated keys, kept in the data folder so that every process of one sandbox
 * (the gateway, `npm run worker`, a separate simulator process) signs and verifies alike.
 */
export async function loadOrCreateSandboxKeys(dataDir: string): Promise<SandboxKeys> {
  // Beside the PGlite folder, not inside it: that one belongs to Postgres.
  const dir = dataDir.startsWith('memory://') ? '.data' : dirname(dataDir);
  const file = join(dir, 'sandbox-keys.json');
  const saved = readKeys(file);
  if (saved === 'missing' || saved === 'outdated') {
    const keys = await sandboxKeys();
    mkdirSync(dir, { recursive: true });
    try {
      // 'wx': if another process of this sandbox won the race, use its keys instead of ours. A file
      // of an older layout (before platforms had their own keys) is replaced, not read.
      writeFileSync(file, JSON.stringify(keys), { flag: saved === 'outdated' ? 'w' : 'wx', mode: 0o600 });
      return keys;
    } catch {
      return JSON.parse(readFileSync(file, 'utf8')) as SandboxKeys;
    }
  }
  return saved;
}

/** The keys this sandbox saved: every platform that makes keys must have them, or the file predates it. */
function readKeys(file: string): SandboxKeys | 'missing' | 'outdated' {
  let keys: Partial<SandboxKeys>;
  try {
    keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxKeys>;
  } catch {
    return 'missing';
  }
  const complete = keys.platforms && keys.prakerjaClients && PLATFORMS.every((d) => !d.sandboxKeys || Object.keys(keys.platforms![d.id] ?? {}).length > 0);
  return complete ? (keys as SandboxKeys) : 'outdated';
}
