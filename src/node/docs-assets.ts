import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where Scalar's standalone bundle is: copied into dist/assets by `npm run build` (production
 * installs have no @scalar/api-reference, a devDependency), else in node_modules when running
 * from the sources.
 */
export function scalarScriptPath(): string | undefined {
  const built = fileURLToPath(new URL('../../assets/scalar-standalone.js', import.meta.url));
  if (existsSync(built)) return built;
  try {
    const dist = dirname(createRequire(import.meta.url).resolve('@scalar/api-reference'));
    const file = join(dist, 'browser', 'standalone.js');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The docs script, read on first use and then kept: 4.7 MB that most processes never serve
 * should not be read at start-up, nor on every page view.
 */
export function docsScriptLoader(path = scalarScriptPath()): (() => Promise<Uint8Array<ArrayBuffer>>) | undefined {
  if (!path) return undefined;
  let bytes: Promise<Uint8Array<ArrayBuffer>> | undefined;
  return () => {
    bytes ??= readFile(path).catch((err: unknown) => {
      bytes = undefined;
      throw err;
    });
    return bytes;
  };
}
