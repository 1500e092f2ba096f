import { asc, eq } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import type { Db, Tx } from '../../db/database.js';
import { providerCredentials, providers } from '../../db/schema.js';
import { problems, ProblemError } from '../../lib/problem.js';
import { signKeyContext } from '../../lib/secrets.js';
import { audit } from './audit.js';

/**
 * Operators onboard providers: create them, give them their prakerja.go.id client code and sign
 * key, rotate that key, deactivate them, and issue or revoke their credentials. Every change
 * writes its audit row in its own transaction. Secrets go in and never come out: the sign key is
 * sealed before it is written (lib/secrets.ts) and no answer or audit row carries it; a
 * credential's token is in the one answer that issues it and nowhere else (only its id is kept).
 *
 * Rotation: prakerja.go.id holds one key per client code, so there is no period in which both
 * keys work there. When a new key is set, the old one is kept sealed as `previous` until a time
 * (24 h by default); until then an operator can switch back to it (`useKey: "previous"`) if
 * prakerja.go.id has not yet taken the new one. The gateway always signs with the current key.
 */

type Deps = Pick<AppDeps, 'database' | 'secrets' | 'now' | 'forgetProvider'>;
type ProviderRow = typeof providers.$inferSelect;
type CredentialRow = typeof providerCredentials.$inferSelect;

/** How long the replaced key stays available to switch back to, unless the operator says. */
export const DEFAULT_PREVIOUS_KEY_HOURS = 24;
/** A replaced key kept longer than this is a key nobody is watching. */
const MAX_PREVIOUS_KEY_DAYS = 30;

export interface PrakerjaInput {
  clientCode?: string;
  signKey?: string;
  previousKeyUsableUntil?: string;
  useKey?: 'previous';
}

export interface CreateProviderInput {
  id: string;
  name: string;
  jwksUrl?: string;
  prakerja?: { clientCode: string; signKey?: string };
  reason: string;
}

export interface UpdateProviderInput {
  name?: string;
  active?: boolean;
  jwksUrl?: string | null;
  prakerja?: PrakerjaInput;
  reason: string;
}

function credentialStatus(c: CredentialRow, now: Date): 'valid' | 'revoked' | 'expired' {
  return c.revokedAt ? 'revoked' : c.expiresAt <= now ? 'expired' : 'valid';
}

function credentialView(c: CredentialRow, now: Date) {
  return {
    id: c.id,
    label: c.label,
    status: credentialStatus(c, now),
    issuedBy: c.issuedBy,
    issuedAt: c.issuedAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokedBy: c.revokedBy,
  };
}

/** What operators see of a provider: whether a key is stored, never the key. */
export function providerView(p: ProviderRow, credentials: CredentialRow[], now: Date) {
  const previousUsable = !!p.prakerjaPreviousSignKeySealed && !!p.prakerjaPreviousSignKeyUntil && p.prakerjaPreviousSignKeyUntil > now;
  return {
    id: p.id,
    name: p.name,
    active: p.active,
    jwksUrl: p.jwksUrl,
    prakerja: {
      clientCode: p.prakerjaClientCode,
      signKeyStored: !!p.prakerjaSignKeySealed,
      previousKeyUsableUntil: previousUsable ? p.prakerjaPreviousSignKeyUntil!.toISOString() : null,
    },
    credentials: credentials.map((c) => credentialView(c, now)),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

/** Each credential's state, for the token check (deps.providerStatus). */
export async function providerCredentialStates(db: Db, providerId: string, now: Date): Promise<Map<string, 'valid' | 'revoked'>> {
  const rows = await db.select().from(providerCredentials).where(eq(providerCredentials.providerId, providerId));
  return new Map(rows.map((c) => [c.id, credentialStatus(c, now) === 'valid' ? 'valid' : 'revoked'] as const));
}

async function credentialsOf(db: Db | Tx, providerId: string) {
  return db.select().from(providerCredentials).where(eq(providerCredentials.providerId, providerId)).orderBy(asc(providerCredentials.issuedAt), asc(providerCredentials.id));
}

export async function listProviders(deps: Pick<AppDeps, 'database' | 'now'>) {
  const db = deps.database.db;
  const rows = await db.select().from(providers).orderBy(asc(providers.id));
  const creds = await db.select().from(providerCredentials).orderBy(asc(providerCredentials.issuedAt), asc(providerCredentials.id));
  const now = deps.now();
  return { items: rows.map((p) => providerView(p, creds.filter((c) => c.providerId === p.id), now)) };
}

export async function getProvider(deps: Pick<AppDeps, 'database' | 'now'>, id: string) {
  const db = deps.database.db;
  const [row] = await db.select().from(providers).where(eq(providers.id, id));
  if (!row) throw problems.notFound(`Provider ${id}`);
  return providerView(row, await credentialsOf(db, id), deps.now());
}

const signKeyWithoutClientCode = () =>
  problems.validation([{ field: 'prakerja.clientCode', rule: 'required_with_sign_key', message: 'a sign key belongs to a client code: set prakerja.clientCode too' }]);

export async function createProvider(deps: Deps, operator: string, input: CreateProviderInput) {
  const now = deps.now();
  const sealed = input.prakerja?.signKey ? await deps.secrets.seal(input.prakerja.signKey, signKeyContext(input.id)) : null;
  const view = await deps.database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(providers)
      .values({ id: input.id, name: input.name, jwksUrl: input.jwksUrl ?? null, prakerjaClientCode: input.prakerja?.clientCode ?? null, prakerjaSignKeySealed: sealed, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!inserted.length) throw new ProblemError(409, 'provider_exists', 'A provider with this id exists', { detail: `Provider ${input.id} exists; change it with PATCH /v1/ops/providers/${input.id}.` });
    await audit(tx, {
      operator,
      action: 'provider.create',
      target: `provider:${input.id}`,
      reason: input.reason,
      // What was set, never a secret: only whether a sign key was given.
      detail: { name: input.name, jwksUrl: input.jwksUrl ?? null, prakerjaClientCode: input.prakerja?.clientCode ?? null, signKey: sealed ? 'set' : 'none' },
    });
    return providerView(inserted[0], [], now);
  });
  deps.forgetProvider(input.id);
  return view;
}

export async function updateProvider(deps: Deps, operator: string, id: string, input: UpdateProviderInput) {
  const now = deps.now();
  const p = input.prakerja;
  // Sealed before the transaction: Web Crypto is async and need not hold a row lock meanwhile.
  const sealedNew = p?.signKey ? await deps.secrets.seal(p.signKey, signKeyContext(id)) : undefined;
  const view = await deps.database.db.transaction(async (tx) => {
    const [row] = await tx.select().from(providers).where(eq(providers.id, id)).for('update');
    if (!row) throw problems.notFound(`Provider ${id}`);
    const set: Partial<typeof providers.$inferInsert> = { updatedAt: now };
    const detail: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== row.name) (set.name = input.name), (detail.name = { from: row.name, to: input.name });
    if (input.active !== undefined && input.active !== row.active) (set.active = input.active), (detail.active = { from: row.active, to: input.active });
    if (input.jwksUrl !== undefined && input.jwksUrl !== row.jwksUrl) (set.jwksUrl = input.jwksUrl), (detail.jwksUrl = { from: row.jwksUrl, to: input.jwksUrl });
    if (p?.clientCode !== undefined && p.clientCode !== row.prakerjaClientCode) (set.prakerjaClientCode = p.clientCode), (detail.prakerjaClientCode = { from: row.prakerjaClientCode, to: p.clientCode });
    if (sealedNew && !(set.prakerjaClientCode ?? row.prakerjaClientCode)) throw signKeyWithoutClientCode();

    if (sealedNew) {
      if (row.prakerjaSignKeySealed) {
        const until = p?.previousKeyUsableUntil ? new Date(p.previousKeyUsableUntil) : new Date(now.getTime() + DEFAULT_PREVIOUS_KEY_HOURS * 3_600_000);
        if (until <= now || until.getTime() - now.getTime() > MAX_PREVIOUS_KEY_DAYS * 86_400_000) {
          throw problems.validation([{ field: 'prakerja.previousKeyUsableUntil', rule: 'window', message: `must be in the future and at most ${MAX_PREVIOUS_KEY_DAYS} days away` }]);
        }
        set.prakerjaPreviousSignKeySealed = row.prakerjaSignKeySealed;
        set.prakerjaPreviousSignKeyUntil = until;
        detail.signKey = { change: 'rotated', previousKeyUsableUntil: until.toISOString() };
      } else {
        detail.signKey = { change: 'set' };
      }
      set.prakerjaSignKeySealed = sealedNew;
    } else if (p?.useKey === 'previous') {
      if (!row.prakerjaPreviousSignKeySealed || !row.prakerjaPreviousSignKeyUntil || row.prakerjaPreviousSignKeyUntil <= now) {
        throw new ProblemError(409, 'no_previous_sign_key', 'No previous sign key to switch back to', {
          detail: 'There is no replaced key, or its overlap window has ended; set a new signKey instead.',
          errors: [{ field: 'prakerja.useKey', rule: 'previous_key_usable', message: 'no previous key within its overlap window' }],
        });
      }
      // A swap: the key just replaced stays available to switch forward again, until the same time.
      set.prakerjaSignKeySealed = row.prakerjaPreviousSignKeySealed;
      set.prakerjaPreviousSignKeySealed = row.prakerjaSignKeySealed;
      detail.signKey = { change: 'switched_back', previousKeyUsableUntil: row.prakerjaPreviousSignKeyUntil.toISOString() };
    } else if (p?.previousKeyUsableUntil !== undefined) {
      throw problems.validation([{ field: 'prakerja.previousKeyUsableUntil', rule: 'with_sign_key', message: 'only with a new signKey (a rotation)' }]);
    }

    const [updated] = await tx.update(providers).set(set).where(eq(providers.id, id)).returning();
    await audit(tx, { operator, action: 'provider.update', target: `provider:${id}`, reason: input.reason, detail });
    return providerView(updated, await credentialsOf(tx, id), now);
  });
  // This instance stops trusting its cached row (tokens, keys) at once; others within the cache's 10 s.
  deps.forgetProvider(id);
  return view;
}

export interface IssuedCredential {
  id: string;
  providerId: string;
  label: string | null;
  token: string;
  issuedAt: string;
  expiresAt: string;
}

/** Issues a gateway-signed token whose `jti` is a new credential row; the token is not stored. */
export async function issueCredential(
  deps: Deps & Pick<AppDeps, 'tokens'>,
  operator: string,
  providerId: string,
  input: { label?: string; validDays: number; reason: string },
): Promise<IssuedCredential> {
  const now = deps.now();
  const id = crypto.randomUUID();
  const expiresAt = new Date(now.getTime() + input.validDays * 86_400_000);
  await deps.database.db.transaction(async (tx) => {
    const [row] = await tx.select({ id: providers.id }).from(providers).where(eq(providers.id, providerId)).for('update');
    if (!row) throw problems.notFound(`Provider ${providerId}`);
    await tx.insert(providerCredentials).values({ id, providerId, label: input.label ?? null, issuedBy: operator, issuedAt: now, expiresAt });
    await audit(tx, { operator, action: 'provider.credential_issue', target: `provider:${providerId}`, reason: input.reason, detail: { credentialId: id, label: input.label ?? null, expiresAt: expiresAt.toISOString() } });
  });
  deps.forgetProvider(providerId);
  const token = await deps.tokens.issue({ kind: 'provider', providerId, credentialId: id }, Math.round((expiresAt.getTime() - Date.now()) / 1000));
  return { id, providerId, label: input.label ?? null, token, issuedAt: now.toISOString(), expiresAt: expiresAt.toISOString() };
}

export async function revokeCredential(deps: Deps, operator: string, providerId: string, credentialId: string, reason: string) {
  const now = deps.now();
  const view = await deps.database.db.transaction(async (tx) => {
    const [c] = await tx.select().from(providerCredentials).where(eq(providerCredentials.id, credentialId)).for('update');
    if (!c || c.providerId !== providerId) throw problems.notFound(`Credential ${credentialId} of provider ${providerId}`);
    if (c.revokedAt) throw new ProblemError(409, 'credential_already_revoked', 'The credential is already revoked', { detail: `Revoked at ${c.revokedAt.toISOString()} by ${c.revokedBy}.` });
    const [updated] = await tx.update(providerCredentials).set({ revokedAt: now, revokedBy: operator }).where(eq(providerCredentials.id, credentialId)).returning();
    await audit(tx, { operator, action: 'provider.credential_revoke', target: `provider:${providerId}`, reason, detail: { credentialId } });
    return credentialView(updated, now);
  });
  // Refused from the next request on in this instance; others within the provider cache's 10 s.
  deps.forgetProvider(providerId);
  return view;
}
