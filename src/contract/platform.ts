import type { Hono } from 'hono';
import { z } from 'zod';
import type { CallbackSigner, SimCallbackTarget, SimulatorState, SimVoucher } from '../../adapters/shared/simulator-kit.js';
import type { AdapterContext, AdapterErrorKind, PlatformAdapter } from './adapter.js';
import type { DeliveryShape, EnrollmentState } from './canonical.js';

/**
 * A platform is a definition: mostly data (as a Nango provider is), plus two factories. The
 * registry (adapters/registry.ts) holds one array of these, and everything that enumerates
 * platforms (ids, environment, sandbox, callback routes, reconciliation, health, demo, seeds)
 * is derived from it, so adding a platform is one folder and one registry line.
 */

/** Where a sandbox setting comes from: the platform's simulator URL and the keys made for this sandbox. */
export interface SandboxSetup {
  baseUrl: string;
  /** What `sandboxKeys` made for this platform (e.g. an RSA pair), persisted with the sandbox. */
  keys: Readonly<Record<string, string>>;
}

/**
 * One setting: the environment variable it is read from, how the raw string is parsed, and its
 * value in the sandbox. `default` is for settings that have a sensible production value (an id
 * registered once); a setting without one must be set outside the sandbox.
 */
export interface PlatformSetting<T> {
  env: string;
  schema: z.ZodType<T, string>;
  default?: string;
  /** A secret must not hold the sandbox's published value outside the sandbox. */
  secret?: boolean;
  sandbox: (s: SandboxSetup) => string;
}

export type SettingsSpec = Record<string, PlatformSetting<unknown>>;
export type SettingsOf<S extends SettingsSpec> = { [K in keyof S]: S[K] extends PlatformSetting<infer T> ? T : never };
/** Settings as strings, before parsing: what the environment or the sandbox provides. */
export type RawSettings = Readonly<Record<string, string | undefined>>;

export interface PlatformCapabilities {
  delivery: DeliveryShape;
  /** The platform must accept the reported grade before the certificate counts (Sisnaker). */
  gradeAcceptance: boolean;
  /** Whether the platform tells the gateway of changes, or the gateway must ask. */
  updates: 'callbacks' | 'polling';
  /** Whether the platform lists its vouchers for reconciliation. */
  listsVouchers: boolean;
}

/** What a simulator gives the sandbox: its HTTP app, its state, and a signer for its callbacks. */
export interface SimulatorInstance {
  /** Mounted with `route`, so it sees the full path: some schemes sign it (Kemnaker). */
  app: Hono;
  state: SimulatorState;
  callback: CallbackSigner;
}

export interface SimulatorSetup<C> {
  /** The same settings the adapter gets in the sandbox, so both sides share secrets. */
  config: C;
  keys: Readonly<Record<string, string>>;
  now: () => Date;
  /** Where the simulator delivers its callbacks, when the sandbox is wired to a gateway. */
  callback?: SimCallbackTarget;
}

/** A voucher of the sandbox's demo world, bought two days before start, expiring `expiresInDays` after it (expired when negative). */
export type DemoVoucher = Omit<SimVoucher, 'purchasedAt' | 'expiresAt' | 'state' | 'courseTitle'> & { expiresInDays: number };

/**
 * The adapter's two data tables, exposed for operators, docs and the conformance suite: the
 * platform's status words and its error codes, each mapped to the canonical vocabulary.
 */
export interface PlatformTables {
  statuses: Readonly<Record<string | number, EnrollmentState>>;
  /** `retry`: whether sending the same request again can succeed. */
  errors: Readonly<Record<string | number, { kind: AdapterErrorKind; retry: boolean }>>;
}

export interface PlatformSpec<Id extends string, S extends SettingsSpec> {
  id: Id;
  displayName: string;
  /** Voucher-code format, used to guess the platform when the provider does not name it. */
  voucherCodePattern: RegExp;
  /** A valid voucher code, distinct for each i ≥ 1: seeds, benchmarks and the conformance suite make vouchers with it. */
  sampleCode(i: number): string;
  /** The callback signature scheme, for the callback route's OpenAPI description. */
  callbackScheme: string;
  capabilities: PlatformCapabilities;
  tables: PlatformTables;
  settings: S;
  /** The sandbox's demo vouchers on this platform (the demo providers' courses and participants). */
  demoVouchers?: readonly DemoVoucher[];
  createAdapter(config: SettingsOf<S>, ctx: AdapterContext): PlatformAdapter;
  /** Keys the sandbox must generate rather than publish (a private key); made once per sandbox. */
  sandboxKeys?: () => Promise<Record<string, string>>;
  /**
   * Loaded only when a sandbox is built, by dynamic import, so that production code paths never
   * load the simulators (they share the wire schemas with the adapter, hence they live beside it).
   */
  loadSimulator(): Promise<(setup: SimulatorSetup<SettingsOf<S>>) => SimulatorInstance>;
}

/** A definition with its settings erased: what the registry and the gateway hold. */
export interface PlatformDefinition<Id extends string = string> {
  readonly id: Id;
  readonly displayName: string;
  readonly voucherCodePattern: RegExp;
  readonly callbackScheme: string;
  sampleCode(i: number): string;
  readonly capabilities: PlatformCapabilities;
  readonly tables: PlatformTables;
  readonly settings: Readonly<Record<string, PlatformSetting<unknown>>>;
  /** The settings as one zod object over raw strings: validates and parses them together. */
  readonly settingsSchema: z.ZodType<unknown, RawSettings>;
  readonly demoVouchers?: readonly DemoVoucher[];
  createAdapter(raw: RawSettings, ctx: AdapterContext): PlatformAdapter;
  sandboxKeys?: () => Promise<Record<string, string>>;
  loadSimulator(): Promise<(setup: Omit<SimulatorSetup<unknown>, 'config'> & { raw: RawSettings }) => SimulatorInstance>;
}

/**
 * Checks a platform spec and erases its settings' types. The adapter and the simulator receive
 * settings parsed by the same schema, whether they came from the environment or the sandbox.
 */
export function definePlatform<const Id extends string, S extends SettingsSpec>(spec: PlatformSpec<Id, S>): PlatformDefinition<Id> {
  const shape = Object.fromEntries(Object.entries(spec.settings).map(([k, s]) => [k, s.default === undefined ? s.schema : z.string().default(s.default).pipe(s.schema)]));
  const schema = z.object(shape);
  const parse = (raw: RawSettings): SettingsOf<S> => {
    const r = schema.safeParse(raw);
    if (!r.success) throw new Error(`${spec.id} settings: ${r.error.issues.map((i) => `${spec.settings[String(i.path[0])]?.env ?? i.path.join('.')}: ${i.message}`).join('; ')}`);
    // The object was built key by key from `spec.settings`, each with its own schema: its output is SettingsOf<S>.
    return r.data as SettingsOf<S>;
  };
  return {
    id: spec.id,
    displayName: spec.displayName,
    voucherCodePattern: spec.voucherCodePattern,
    callbackScheme: spec.callbackScheme,
    sampleCode: spec.sampleCode,
    capabilities: spec.capabilities,
    tables: spec.tables,
    settings: spec.settings,
    settingsSchema: schema,
    demoVouchers: spec.demoVouchers,
    createAdapter: (raw, ctx) => spec.createAdapter(parse(raw), ctx),
    sandboxKeys: spec.sandboxKeys,
    async loadSimulator() {
      const make = await spec.loadSimulator();
      return ({ raw, ...rest }) => make({ ...rest, config: parse(raw) });
    },
  };
}

/** A platform's settings in the sandbox, from each setting's `sandbox` rule. */
export function sandboxSettingsOf(d: Pick<PlatformDefinition, 'settings'>, setup: SandboxSetup): RawSettings {
  return Object.fromEntries(Object.entries(d.settings).map(([name, s]) => [name, s.sandbox(setup)]));
}

/** Comma-separated list, trimmed: a secret that rotates is given as `new,old`. */
export const commaList = z.string().transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean));
