import { z } from 'zod';

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
  /** Seeds demo providers, courses and vouchers on start (sandbox only). */
  SEED_DEMO: bool.default(true),
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

  TOKOPEDIA_BASE_URL: z.string().url().optional(),
  TOKOPEDIA_CLIENT_ID: z.string().default('prakerja-gateway'),
  TOKOPEDIA_SECRET: z.string().optional(),
  /** Comma-separated: any one verifies a callback, so the secret can rotate. */
  TOKOPEDIA_WEBHOOK_SECRETS: z.string().optional(),
  BUKALAPAK_BASE_URL: z.string().url().optional(),
  BUKALAPAK_CLIENT_ID: z.string().default('prakerja-gateway'),
  BUKALAPAK_CLIENT_SECRET: z.string().optional(),
  BUKALAPAK_WEBHOOK_SECRET: z.string().optional(),
  KEMNAKER_BASE_URL: z.string().url().optional(),
  KEMNAKER_PARTNER_ID: z.string().default('PRAKERJAGW'),
  KEMNAKER_CLIENT_SECRET: z.string().optional(),
  KARIERMU_BASE_URL: z.string().url().optional(),
  KARIERMU_ISSUER: z.string().default('prakerja-gateway'),
  KARIERMU_KEY_ID: z.string().default('gw-1'),
  /** PKCS8 PEM; in the sandbox an ephemeral key pair is generated when unset. */
  KARIERMU_PRIVATE_KEY: z.string().optional(),
  /** Karier.mu's public keys, to verify its signed callbacks. */
  KARIERMU_JWKS_URL: z.string().url().optional(),

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

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const r = EnvSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  const env = r.data;
  if (!env.SANDBOX) {
    const missing = (['AUTH_SECRET', 'TOKOPEDIA_BASE_URL', 'TOKOPEDIA_SECRET', 'TOKOPEDIA_WEBHOOK_SECRETS', 'BUKALAPAK_BASE_URL', 'BUKALAPAK_CLIENT_SECRET', 'BUKALAPAK_WEBHOOK_SECRET', 'KEMNAKER_BASE_URL', 'KEMNAKER_CLIENT_SECRET', 'KARIERMU_BASE_URL', 'KARIERMU_PRIVATE_KEY', 'KARIERMU_JWKS_URL', 'PRAKERJA_BASE_URL', 'PRAKERJA_SIGN_KEY', 'PRAKERJA_CALLBACK_KEY'] as const).filter(
      (k) => !env[k],
    );
    if (missing.length) throw new Error(`Invalid environment: outside the sandbox these must be set: ${missing.join(', ')}`);
  }
  return env;
}
