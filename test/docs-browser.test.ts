/**
 * /docs renders in a real browser with no network beyond the gateway: Scalar's script is served
 * by the gateway itself. Debian's chromium, driven by playwright-core; skipped (saying so) where
 * it is absent — `.ci/run` installs it.
 */
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, skipNotice } from './support/browser.js';
import { freePort, spawnGateway, tempDir, waitHealthy, type GatewayProcess } from './support/gateway-process.js';

skipNotice('test/docs-browser.test.ts');

describe.skipIf(!chromiumAvailable)('/docs in a browser, offline', () => {
  const dir = tempDir('gateway-docs-test-');
  let g: GatewayProcess | undefined;
  let browser: BrowserContext | undefined;

  beforeAll(async () => {
    g = spawnGateway(process.execPath, ['--import', 'tsx', 'src/node/main.ts'], { port: await freePort(), env: { DATA_DIR: join(dir.path, 'pglite'), DISPATCHER: 'false', LOG_LEVEL: 'warn' } });
    await waitHealthy(g, 90_000);
    browser = await launchBrowser(join(dir.path, 'profile'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await g?.kill();
    dir.remove();
  });

  it('renders the operations, asking nothing of any other host', async () => {
    const doc = (await (await fetch(`${g!.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops).filter((o): o is { summary: string; tags?: string[] } => !!o.summary));
    expect(operations.length).toBeGreaterThan(10);

    const page = await browser!.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      outside.push(url.href);
      return route.abort('internetdisconnected');
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${g!.base}/docs`);
    // The sidebar's groups exist once the reference has rendered; before that there is nothing to open.
    await page.getByRole('button', { name: /^(Open|Close) Group - / }).first().waitFor({ timeout: 60_000 });
    // The first and the last operation of the document: the whole list was rendered. Scalar
    // shows the first group open and the others as closed groups in the sidebar: open the
    // group of each operation first.
    for (const op of [operations[0], operations[operations.length - 1]]) {
      const summary = op.summary;
      const group = page.getByRole('button', { name: `Open Group - ${op.tags?.[0]}` });
      if (op.tags?.[0] && (await group.count()) > 0) await group.first().click();
      // (A group already open shows "Close Group - …" and is left as it is.)
      await page.getByText(summary, { exact: true }).filter({ visible: true }).first().waitFor({ state: 'visible', timeout: 30_000 }).catch(async () => {
        throw new Error(`"${summary}" not rendered; page text: ${(await page.locator('body').innerText()).slice(0, 500)}; errors: ${errors.join('; ')}; outside: ${outside.join(', ')}`);
      });
    }
    await expect(page.title()).resolves.toBe('Prakerja Partner Gateway');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
