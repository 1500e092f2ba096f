import { z } from 'zod';
import { PLATFORMS } from '../adapters/registry.js';
import { PLATFORM_SANDBOX_SECRETS, SANDBOX_SECRETS } from './sandbox/demo-data.js';
import { SANDBOX_SECRETS_KEY, secretsKeyProblem } from './lib/secrets.js';
import { DEFAULT_RATE_LIMITS } from './domain/rate-limits.js';

/**
 * The environment, parsed once at start-up; a bad value stops the gateway with a message naming
 * the variable rather than failing on the first request. Secrets only ever come from here.
 */
const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data/pglite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Sandbox mode mounts the platform simulators under /sandbox and points the adapters at them. */
  SANDBOX: bool.default(true),
  /** The sandbox binds to loopback only, unless this says it may be reached from elsewhere. */
  SANDBOX_PUBLIC: bool.default(false),
  /** `ops`: GET /metrics needs an ops token; `open`: anyone who reaches the port may scrape it. */
  METRICS_AUTH: z.enum(['ops', 'open']).default('ops'),
  /** Seeds demo providers, courses and vouchers on start (sandbox only). */
  SEED_DEMO: bool.default(true),
  /**
   * Base64 of 32 random bytes sealing secrets kept in the database (providers' prakerja.go.id
   * sign keys), AES-256-GCM. Required outside the sandbox; changing it makes stored keys unusable.
   */
  SECRETS_KEY: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const problem = v === undefined ? undefined : secretsKeyProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Master secret from which each provider's and operator's HS256 token key is derived. */
  AUTH_SECRET: z.string().min(32).optional(),
  /** Run an outbox dispatcher inside the gateway process (`npm run worker` runs more on their own). */
  DISPATCHER: bool.default(true),
  DISPATCH_LEASE_MS: z.coerce.number().int().positive().default(30_000),
  DISPATCH_BATCH: z.coerce.number().int().positive().max(500).default(25),
  /** Where the sandbox simulators are served; defaults to this gateway's own /sandbox. */
  SANDBOX_URL: z.string().url().optional(),
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  /** On SIGTERM/SIGINT, how long requests in flight (and outbox deliveries) may take to finish before they are cut. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  NAME_MATCH_THRESHOLD: z.coerce.number().min(0).max(1).default(0.85),
  NAME_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  /** Inbound rate limits, counted in the database (shared by every instance); `false` turns them off. */
  RATE_LIMITS: bool.default(true),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().max(3600).default(60),
  /** Requests per window: per provider for redemptions (and redeem codes), other writes, reads, batches; per operator; per source address on callbacks. */
  RATE_LIMIT_REDEMPTIONS: z.coerce.number().int().positive().default(DEFAULT_RATE_LIMITS.redemptions),
  RATE_LIMIT_WRITES: z.coerce.number().int().positive().default(DEFAULT_RATE_LIMITS.writes),
  RATE_LIMIT_READS: z.coerce.number().int().positive().default(DEFAULT_RATE_LIMITS.reads),
  RATE_LIMIT_BATCH: z.coerce.number().int().positive().default(DEFAULT_RATE_LIMITS.batch),
  RATE_LIMIT_OPS: z.coerce.number().int().positive().default(DEFAULT_RATE_LIMITS.ops),
  RATE_LIMIT_CALLBACKS: z.coerce.number().int().positive().default(DEFAULT_RATE_LIMITS.callbacks),
  /** Per partner: calls in flight at once and calls started per second (a partner's 429 + Retry-After also holds calls); `OUTBOUND_CAPS=false` turns both off. */
  OUTBOUND_CAPS: bool.default(true),
  OUTBOUND_CONCURRENCY: z.coerce.number().int().positive().default(32),
  OUTBOUND_PER_SECOND: z.coerce.number().int().positive().default(100),
  /** Behind a proxy: the header naming the client's address (its first entry), e.g. `x-forwarded-for`; unset, the socket's peer. */
  RATE_LIMIT_SOURCE_HEADER: z.string().toLowerCase().optional(),

  // Each platform's variables (TOKOPEDIA_*, KEMNAKER_*, …) come from its definition: see platformEnvIssues.

  PRAKERJA_BASE_URL: z.string().url().optional(),
  PRAKERJA_CLIENT_CODE: z.string().default('LP-DEMO-001'),
  PRAKERJA_SIGN_KEY: z.string().optional(),
  /** Key prakerja.go.id signs its callbacks to the gateway with (modelled). */
  PRAKERJA_CALLBACK_KEY: z.string().optional(),
  /** JSON object client_code → sign key, for providers other than the default one. */
  PRAKERJA_SIGN_KEYS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return {} as Record<string, string>;
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of client_code → sign key' });
        return z.NEVER;
      }
    }),
});

export type Env = z.infer<typeof EnvSchema> & {
  /** The platforms' variables as given (named in their definitions); partnersFromEnv parses them. */
  platformEnv: Readonly<Record<string, string | undefined>>;
};

/** Every platform's environment variables, from the registry: name, default, and whether it is a secret. */
const PLATFORM_VARIABLES = PLATFORMS.flatMap((d) => Object.entries(d.settings).map(([name, s]) => ({ platform: d, name, ...s })));

/** A platform variable that is set but does not parse (a URL that is not one) stops the start like any other. */
function platformEnvIssues(source: Record<string, string | undefined>): string[] {
  return PLATFORM_VARIABLES.flatMap((v) => {
    const value = source[v.env];
    const r = value === undefined ? undefined : v.schema.safeParse(value);
    return r && !r.success ? r.error.issues.map((i) => `  ${v.env}: ${i.message}`) : [];
  });
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const r = EnvSchema.safeParse(source);
  const issues = [...(r.success ? [] : r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)), ...platformEnvIssues(source)];
  if (!r.success || issues.length) throw new Error(`Invalid environment:\n${issues.join('\n')}`);
  const platformEnv = Object.fromEntries(PLATFORM_VARIABLES.map((v) => [v.env, source[v.env] ?? v.default]));
  const env: Env = { ...r.data, platformEnv };
  if (!env.SANDBOX) {
    const required = [
      ...(['AUTH_SECRET', 'SECRETS_KEY'] as const).filter((k) => !env[k]),
      ...PLATFORM_VARIABLES.filter((v) => v.default === undefined && !platformEnv[v.env]).map((v) => v.env),
      ...(['PRAKERJA_BASE_URL', 'PRAKERJA_SIGN_KEY', 'PRAKERJA_CALLBACK_KEY'] as const).filter((k) => !env[k]),
    ];
    if (required.length) throw new Error(`Invalid environment: outside the sandbox these must be set: ${required.join(', ')}`);
    const reused = sandboxSecretsIn(env);
    if (reused.length) throw new Error(`Invalid environment: outside the sandbox these hold the sandbox's published values; set real secrets: ${reused.join(', ')}`);
  } else if (!isLoopback(env.HOST) && !env.SANDBOX_PUBLIC) {
    throw new Error(
      `Invalid environment: the sandbox (published keys, demo data) only binds to loopback, not HOST=${env.HOST}. Set SANDBOX_PUBLIC=true if it must be reachable from elsewhere.`,
    );
  }
  return env;
}

/** Secrets that are committed in this repository for the sandbox are known to everyone. */
function sandboxSecretsIn(env: Env): string[] {
  const published = new Set<string>([...Object.values(SANDBOX_SECRETS).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v))), ...Object.values(PLATFORM_SANDBOX_SECRETS).flat(), SANDBOX_SECRETS_KEY]);
  const secrets: Array<[string, string | undefined]> = [
    ['AUTH_SECRET', env.AUTH_SECRET],
    ['SECRETS_KEY', env.SECRETS_KEY],
    ...PLATFORM_VARIABLES.filter((v) => v.secret).map((v): [string, string | undefined] => [v.env, env.platformEnv[v.env]]),
    ['PRAKERJA_SIGN_KEY', env.PRAKERJA_SIGN_KEY],
    ['PRAKERJA_CALLBACK_KEY', env.PRAKERJA_CALLBACK_KEY],
    ...Object.entries(env.PRAKERJA_SIGN_KEYS).map(([code, key]): [string, string] => [`PRAKERJA_SIGN_KEYS.${code}`, key]),
  ];
  return secrets.filter(([, v]) => v !== undefined && v.split(',').some((part) => published.has(part.trim()))).map(([k]) => k);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
