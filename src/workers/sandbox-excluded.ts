/**
 * Stands in for ./sandbox-in-isolate.ts and every simulator in the production Worker bundle
 * (wrangler.toml `[env.production.alias]`), so no simulator code or demo world ships there.
 */
throw new Error('this Worker was built without the sandbox (wrangler --env production); set SANDBOX=false or deploy the default environment');
