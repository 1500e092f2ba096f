import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app/context.js';
import { validationHook } from '../app/errors.js';
import { ProblemError } from '../lib/problem.js';
import { once } from '../services/idempotency.js';
import { createProvider, DEFAULT_PREVIOUS_KEY_HOURS, getProvider, issueCredential, listProviders, revokeCredential, updateProvider, type IssuedCredential } from '../services/ops/providers.js';
import { IsoDateTime, opsMutation, opsOnce, opsProblems, opsRoute, operatorOf, Reason } from './ops-common.js';
import { Code, problemContent, Text, Url } from './schemas.js';

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

const ProviderId = Code(64).openapi({ description: 'The provider’s id in the gateway (the `sub` of its tokens after `provider:`).', example: 'prv-bahasa-nusantara' });
const ProviderIdParam = z.object({ id: ProviderId.openapi({ param: { name: 'id', in: 'path' } }) });

/**
 * A prakerja.go.id sign key as typed by an operator: the text rule, and long enough not to be a
 * slip. It is sealed on arrival and never shown again.
 */
const SignKey = Text(1000, { min: 8 }).openapi({ description: 'The client code’s sign key at prakerja.go.id. Write-only: stored sealed (AES-GCM under SECRETS_KEY), never returned.', example: 'k3y-from-prakerja-dashboard' });

const ProviderSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    active: z.boolean().openapi({ description: 'false: every token of the provider is refused (401) at once.' }),
    jwksUrl: z.string().nullable().openapi({ description: 'Where the provider publishes the keys of the tokens it signs itself, if it does.' }),
    prakerja: z.object({
      clientCode: z.string().nullable(),
      signKeyStored: z.boolean().openapi({ description: 'A sign key is stored (sealed). Without one, the environment’s key for the client code is used (PRAKERJA_SIGN_KEY / PRAKERJA_SIGN_KEYS).' }),
      previousKeyUsableUntil: z.string().nullable().openapi({ description: 'After a rotation: until when `useKey: "previous"` can switch back to the replaced key.' }),
    }),
    credentials: z.array(
      z.object({
        id: z.string(),
        label: z.string().nullable(),
        status: z.enum(['valid', 'revoked', 'expired']),
        issuedBy: z.string(),
        issuedAt: z.string(),
        expiresAt: z.string(),
        revokedAt: z.string().nullable(),
        revokedBy: z.string().nullable(),
      }),
    ).openapi({ description: 'Credentials issued by operators (never their tokens).' }),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Provider');

const CredentialSchema = ProviderSchema.shape.credentials.element.openapi('ProviderCredential');

const CreateBody = z
  .object({
    id: ProviderId,
    name: Text(200).openapi({ example: 'Bahasa Nusantara Academy' }),
    jwksUrl: Url.optional().openapi({ description: 'Only for providers that sign their own tokens (RS256/ES256/EdDSA, `iss` = the provider id).' }),
    prakerja: z
      .object({ clientCode: Code(64).openapi({ example: 'LP-BNA-001' }), signKey: SignKey.optional() })
      .optional()
      .openapi({ description: 'The provider’s client at prakerja.go.id, used for redeem codes, tasks and reports.' }),
    reason: Reason,
  })
  .openapi('ProviderCreate');

const UpdateBody = z
  .object({
    name: Text(200).optional(),
    active: z.boolean().optional().openapi({ description: 'false deactivates the provider (its tokens are refused at once); true reactivates it.' }),
    jwksUrl: Url.nullable().optional().openapi({ description: 'null removes it.' }),
    prakerja: z
      .object({
        clientCode: Code(64).optional(),
        signKey: SignKey.optional().openapi({ description: 'A new key. With one already stored this is a rotation: the replaced key is kept sealed until `previousKeyUsableUntil`.' }),
        previousKeyUsableUntil: IsoDateTime.optional().openapi({ description: `With a new signKey: until when the replaced key can be switched back to (default ${DEFAULT_PREVIOUS_KEY_HOURS} h, at most 30 days).` }),
        useKey: z.literal('previous').optional().openapi({ description: 'Switch back to the replaced key (within its window), e.g. when prakerja.go.id has not taken the new one yet.' }),
      })
      .optional()
      .superRefine((p, ctx) => {
        if (p?.useKey && p.signKey) ctx.addIssue({ code: 'custom', path: ['useKey'], message: 'either a new signKey or useKey: "previous", not both' });
      }),
    reason: Reason,
  })
  .openapi('ProviderUpdate', { example: { prakerja: { signKey: 'n3w-k3y-from-prakerja-dashboard', previousKeyUsableUntil: '2026-03-02T09:00:00+07:00' }, reason: 'Quarterly key rotation, ticket OPS-112' } });

const CredentialBody = z
  .object({
    label: Text(100).optional().openapi({ description: 'Where it is used, to tell credentials apart.', example: 'lms-production' }),
    validDays: z.number().int().min(1).max(730).default(365).openapi({ description: 'Lifetime in days (1–730).' }),
    reason: Reason,
  })
  .openapi('ProviderCredentialIssue');

const IssuedSchema = z
  .object({
    id: z.string().openapi({ description: 'The credential id (the token’s `jti`); revoke with it.' }),
    providerId: z.string(),
    label: z.string().nullable(),
    token: z.string().openapi({ description: 'The bearer token. Shown in this answer only; the gateway does not keep it.' }),
    issuedAt: z.string(),
    expiresAt: z.string(),
  })
  .openapi('ProviderCredentialIssued');

const listRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/providers',
  operationId: 'listProviders',
  summary: 'List providers',
  description: 'Every provider with its state, prakerja.go.id client code, whether a sign key is stored, and its credentials (never a secret).',
  responses: { 200: json('Providers, by id', z.object({ items: z.array(ProviderSchema) })), ...opsProblems },
});

const getRoute = createRoute({
  ...opsRoute,
  method: 'get',
  path: '/v1/ops/providers/{id}',
  operationId: 'getProvider',
  summary: 'Get a provider',
  description: 'One provider as in the list: state, client code, key stored or not, the rotation window, credentials.',
  request: { params: ProviderIdParam },
  responses: { 200: json('The provider', ProviderSchema), ...opsProblems, 404: problemContent('No such provider') },
});

const createProviderRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/providers',
  operationId: 'createProvider',
  summary: 'Onboard a provider (audited)',
  description:
    'Creates the provider, active. Give its prakerja.go.id client code and sign key now or later (PATCH); the key is sealed at rest and never returned. Then issue it a credential (`POST /v1/ops/providers/{id}/credentials`).',
  request: { ...opsMutation, body: { required: true, content: { 'application/json': { schema: CreateBody } } } },
  responses: { 201: json('Created', ProviderSchema), ...opsProblems, 409: problemContent('A provider with this id exists') },
});

const updateRoute = createRoute({
  ...opsRoute,
  method: 'patch',
  path: '/v1/ops/providers/{id}',
  operationId: 'updateProvider',
  summary: 'Change a provider: deactivate or reactivate, client code, sign key rotation, JWKS (audited)',
  description:
    'Only the fields given change. Takes effect at once in this instance and within 10 s in the others. prakerja.go.id holds one key per client code, so a rotation has no period in which both keys work there: the gateway signs with the new key at once and keeps the replaced one, sealed, until `previousKeyUsableUntil`, so that `useKey: "previous"` can switch back if prakerja.go.id has not taken the new key yet.',
  request: { params: ProviderIdParam, ...opsMutation, body: { required: true, content: { 'application/json': { schema: UpdateBody } } } },
  responses: { 200: json('The provider after the change', ProviderSchema), ...opsProblems, 404: problemContent('No such provider'), 409: problemContent('No previous key to switch back to') },
});

const issueRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/providers/{id}/credentials',
  operationId: 'issueProviderCredential',
  summary: 'Issue a credential (bearer token) to a provider (audited); the token is shown once',
  description:
    'A gateway-signed token for the provider whose `jti` is the new credential’s id. The gateway keeps only the id: the token is in this answer and nowhere else, and a replay of the same Idempotency-Key is a 409 rather than the token again. Revoke it with `POST /v1/ops/providers/{id}/credentials/{credentialId}/revoke`.',
  request: { params: ProviderIdParam, ...opsMutation, body: { required: true, content: { 'application/json': { schema: CredentialBody } } } },
  responses: { 201: json('Issued', IssuedSchema), ...opsProblems, 404: problemContent('No such provider'), 409: problemContent('This Idempotency-Key already issued a credential (shown once)') },
});

const revokeRoute = createRoute({
  ...opsRoute,
  method: 'post',
  path: '/v1/ops/providers/{id}/credentials/{credentialId}/revoke',
  operationId: 'revokeProviderCredential',
  summary: 'Revoke a provider’s credential (audited)',
  description: 'Its token is refused (401) from the next request in this instance and within 10 s in the others. Other credentials of the provider keep working.',
  request: {
    params: ProviderIdParam.extend({ credentialId: z.string().uuid('must be a UUID').openapi({ param: { name: 'credentialId', in: 'path' } }) }),
    ...opsMutation,
    body: { required: true, content: { 'application/json': { schema: z.object({ reason: Reason }) } } },
  },
  responses: { 200: json('The revoked credential', CredentialSchema), ...opsProblems, 404: problemContent('No such credential'), 409: problemContent('Already revoked') },
});

export const opsProviderRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(listRoute, async (c) => c.json(await listProviders(c.get('deps')), 200))
  .openapi(getRoute, async (c) => c.json(await getProvider(c.get('deps'), c.req.valid('param').id), 200))
  .openapi(createProviderRoute, async (c) => {
    const body = c.req.valid('json');
    return opsOnce(c, 'POST /v1/ops/providers', body, 201, (operator) => createProvider(c.get('deps'), operator, body));
  })
  .openapi(updateRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    return opsOnce(c, `PATCH /v1/ops/providers/${id}`, body, 200, (operator) => updateProvider(c.get('deps'), operator, id, body));
  })
  .openapi(issueRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const operator = operatorOf(c);
    const deps = c.get('deps');
    // The idempotency row keeps the answer without the token, so no secret lands in the database;
    // only the request that issued it gets the token.
    let issued: IssuedCredential | undefined;
    await once(deps.database.db, { scope: `ops:${operator}`, route: `POST /v1/ops/providers/${id}/credentials`, key: c.req.header('idempotency-key')!, body, waitMs: deps.config.idempotencyWaitMs }, async () => {
      issued = await issueCredential(deps, operator, id, body);
      const { token: _shownOnce, ...kept } = issued;
      return { status: 201, body: kept };
    });
    if (!issued) {
      throw new ProblemError(409, 'credential_shown_once', 'This request already issued a credential', {
        detail: 'A credential’s token is shown once, in the first answer. If it was lost, revoke that credential and issue another with a new Idempotency-Key.',
      });
    }
    return c.json(issued, 201);
  })
  .openapi(revokeRoute, async (c) => {
    const { id, credentialId } = c.req.valid('param');
    const body = c.req.valid('json');
    return opsOnce(c, `POST /v1/ops/providers/${id}/credentials/${credentialId}/revoke`, body, 200, (operator) => revokeCredential(c.get('deps'), operator, id, credentialId, body.reason));
  });
