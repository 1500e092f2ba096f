import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/registry.js';
import { loadOrCreateSandboxKeys } from '../../src/node/sandbox-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sandbox keys kept in the data folder', () => {
  it('are made once per platform that asks for keys, and read back the same by the next process', async () => {
    const first = await loadOrCreateSandboxKeys(join(dir, 'a', 'pglite'));
    for (const d of PLATFORMS.filter((p) => p.sandboxKeys)) expect(Object.keys(first.platforms[d.id]).length, d.id).toBeGreaterThan(0);
    expect(await loadOrCreateSandboxKeys(join(dir, 'a', 'pglite'))).toEqual(first);
  });

  it('replace a file of the older layout (one field per platform) instead of starting with no keys', async () => {
    const file = join(dir, 'b', 'sandbox-keys.json');
    rmSync(join(dir, 'b'), { recursive: true, force: true });
    await loadOrCreateSandboxKeys(join(dir, 'b', 'pglite'));
    writeFileSync(file, JSON.stringify({ kariermuPrivateKeyPem: 'x', kariermuPublicKeyPem: 'y', prakerjaClients: {} }));
    const keys = await loadOrCreateSandboxKeys(join(dir, 'b', 'pglite'));
    expect(keys.platforms).toBeDefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(keys);
  });
});
