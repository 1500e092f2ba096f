/** The embedded database's folder: created in a child process the first time, opened in place after. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { resultRows } from '../src/db/result-rows.js';
import { openDatabase } from '../src/node/database.js';
import { ensurePgliteFolder } from '../src/node/pglite-folder.js';
import { tempDir } from './support/gateway-process.js';

const dir = tempDir('gateway-pglite-folder-');
afterAll(() => dir.remove());

describe('ensurePgliteFolder', () => {
  it('creates a Postgres data folder the gateway then opens, migrates and keeps', async () => {
    const dataDir = join(dir.path, 'nested', 'pglite');
    await ensurePgliteFolder(dataDir);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);

    const first = await openDatabase({ dataDir });
    await first.db.execute(sql`insert into providers (id, name) values ('lpk-folder', 'LPK Folder')`);
    await first.close();
    const again = await openDatabase({ dataDir });
    try {
      expect(resultRows(await again.db.execute(sql`select id from providers where id = 'lpk-folder'`))).toHaveLength(1);
      const [{ shared_buffers }] = resultRows<{ shared_buffers: string }>(await again.db.execute(sql`show shared_buffers`));
      expect(shared_buffers).toBe('32MB');
    } finally {
      await again.close();
    }
  }, 60_000);

  it('names the folder when it cannot be created', async () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(ensurePgliteFolder(join(file, 'pglite'))).rejects.toThrow(`could not create the PGlite data folder ${join(file, 'pglite')}`);
  });
});
