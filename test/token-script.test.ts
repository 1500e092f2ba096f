import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TokenKeys } from '../src/auth/tokens.js';

const run = promisify(execFile);
const SECRET = 'a-production-secret-of-at-least-32-characters';

/** `npm run token`, as an operator runs it: exit code, stdout, stderr. */
async function token(args: string[], env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'AUTH_SECRET' && k !== 'SANDBOX'));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], { env: { ...base, ...env } });
    return { code: 0, stdout: stdout.trim(), stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout.trim(), stderr: err.stderr };
  }
}

describe('npm run token', () => {
  it('outside the sandbox refuses provider tokens (they cannot be revoked one by one) and points at the ops API', async () => {
    const r = await token(['prv-bahasa-nusantara'], { SANDBOX: 'false', AUTH_SECRET: SECRET });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('POST /v1/ops/providers/prv-bahasa-nusantara/credentials');
  });

  it('outside the sandbox issues an operator token signed with AUTH_SECRET, valid for 8 hours only', async () => {
    const r = await token(['--ops', 'rina'], { SANDBOX: 'false', AUTH_SECRET: SECRET });
    expect(r.code).toBe(0);
    const claims = await new TokenKeys(SECRET).verify(r.stdout);
    expect(claims).toMatchObject({ kind: 'ops', operator: 'rina' });
    const { exp, iat } = JSON.parse(Buffer.from(r.stdout.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    expect(exp - iat).toBe(8 * 3600);
  });

  it('outside the sandbox without AUTH_SECRET says so instead of signing with the published sandbox secret', async () => {
    const r = await token(['--ops', 'rina'], { SANDBOX: 'false' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('AUTH_SECRET must be set');
  });
});
