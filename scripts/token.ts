/**
 * Prints a bearer token: `npm run token -- <providerId>` for a sandbox provider, `npm run token --
 * --ops <name>` for an operator. Signs with AUTH_SECRET (the sandbox secret when unset).
 *
 * Outside the sandbox (SANDBOX=false) provider tokens are refused: a token signed here can only
 * be revoked by changing AUTH_SECRET for everyone, so providers get credentials from the ops API,
 * which can revoke one. An operator token is still needed to call that API, so it is issued, but
 * for 8 hours only.
 */
import { TokenKeys } from '../src/auth/tokens.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';

const args = process.argv.slice(2);
const ops = args[0] === '--ops';
const subject = ops ? args[1] : args[0];
const sandbox = !['false', '0'].includes(process.env.SANDBOX ?? 'true');
if (!subject) fail('usage: npm run token -- <providerId> | --ops <operator>', 2);
if (!sandbox && !ops)
  fail(`npm run token issues provider tokens in the sandbox only. Outside it, issue a revocable credential: POST /v1/ops/providers/${subject}/credentials with an ops token (npm run token -- --ops <you>).`, 1);
const secret = process.env.AUTH_SECRET ?? (sandbox ? SANDBOX_SECRETS.auth : fail('AUTH_SECRET must be set outside the sandbox (the same value the gateway runs with).', 1));
const ttlSeconds = sandbox ? 30 * 86_400 : 8 * 3_600;
const token = await new TokenKeys(secret).issue(ops ? { kind: 'ops', operator: subject } : { kind: 'provider', providerId: subject }, ttlSeconds);
process.stdout.write(`${token}\n`);

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
