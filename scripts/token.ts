/**
 * Prints a bearer token: `npm run token -- <providerId>` for a provider, `npm run token -- --ops <name>`
 * for an operator. Uses AUTH_SECRET (the sandbox secret when unset).
 */
import { TokenKeys } from '../src/auth/tokens.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';

const args = process.argv.slice(2);
const keys = new TokenKeys(process.env.AUTH_SECRET ?? SANDBOX_SECRETS.auth);
const ops = args[0] === '--ops';
const subject = ops ? args[1] : args[0];
if (!subject) {
  process.stderr.write('usage: npm run token -- <providerId> | --ops <operator>\n');
  process.exit(2);
}
const token = await keys.issue(ops ? { kind: 'ops', operator: subject } : { kind: 'provider', providerId: subject }, 30 * 86_400);
process.stdout.write(`${token}\n`);
