import { Hono } from 'hono';
import { timingSafeEqual } from '../shared/crypto.js';
import { invertStatusMap, SimulatorState, type SimRedeemRefusal, type SimVoucher } from '../shared/simulator-kit.js';
import type { BukalapakErrorCode, BukalapakOAuthErrorCode } from './errors.js';
import { BUKALAPAK_PATHS, formDecode, type BukalapakConfig } from './http.js';
import { BUKALAPAK_STATUS_MAP, type BukalapakStatus } from './status.js';
import { toEpochSeconds } from './transformers.js';
import type { BukalapakRedemption, BukalapakVoucher } from './wire.js';

const STATUS_OF = invertStatusMap(BUKALAPAK_STATUS_MAP);

/** `reported` is the gateway's own step towards prakerja.go.id; Bukalapak never sees it and still shows the certificate. */
function statusCode(v: SimVoucher): BukalapakStatus {
  return Number(STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state)) as BukalapakStatus;
}

const REFUSALS = {
  not_found: [404, 40401],
  card_mismatch: [422, 42201],
  refunded: [410, 41002],
  expired: [410, 41001],
  already_redeemed: [409, 40901],
} as const satisfies Record<SimRedeemRefusal, readonly [number, BukalapakErrorCode]>;

/** Bukalapak stores given names first; a single name leaves last_name empty. */
function splitName(full: string): { first_name: string; last_name: string } {
  const name = full.trim();
  const at = name.lastIndexOf(' ');
  return at < 0 ? { first_name: name, last_name: '' } : { first_name: name.slice(0, at), last_name: name.slice(at + 1) };
}

function render(v: SimVoucher): BukalapakVoucher {
  return {
    voucher_code: v.code,
    status: statusCode(v),
    buyer: { ...splitName(v.buyerName), email: v.buyerEmail },
    prakerja_card_number: v.cardNumber,
    product: { id: v.courseId, name: v.courseTitle, store_id: v.providerId },
    paid_at: toEpochSeconds(v.purchasedAt),
    expired_at: toEpochSeconds(v.expiresAt),
    redeemed_at: v.redeemedAt ? toEpochSeconds(v.redeemedAt) : null,
  };
}

const fail = (status: number, code: BukalapakErrorCode, reason: string) => ({ error: { code, reason }, meta: { http_status: status } });
const oauthFail = (error: BukalapakOAuthErrorCode, description: string) => ({ error, error_description: description });

/** The client credentials in an HTTP Basic header, form-decoded as RFC 6749 §2.3.1 requires; undefined when malformed. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return undefined;
  let pair: string;
  try {
    pair = atob(m[1]);
  } catch {
    return undefined;
  }
  const colon = pair.indexOf(':');
  if (colon < 0) return undefined;
  return { id: formDecode(pair.slice(0, colon)), secret: formDecode(pair.slice(colon + 1)) };
}

const randomToken = () => Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Sandbox Bukalapak implementing openapi/partners/bukalapak.yaml. Besides `app` and `state` it
 * offers controls a test needs to reproduce token trouble: `expireTokens()` makes every token
 * issued so far unusable (as a revocation or key rotation at Bukalapak would), and
 * `setTokenTtl(seconds)` changes `expires_in` for tokens issued from then on.
 */
export function createBukalapakSimulator(cfg: Pick<BukalapakConfig, 'clientId' | 'clientSecret'>, state = new SimulatorState('bukalapak'), now = () => new Date()) {
  const app = new Hono();
  const tokens = new Map<string, number>();
  let ttlSeconds = 3600;

  app.post(BUKALAPAK_PATHS.token, async (c) => {
    const creds = basicCredentials(c.req.header('authorization'));
    const form = (c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await c.req.text()) : undefined;
    const grantType = form?.get('grant_type') ?? undefined;
    // Recorded without the credentials: a test asserts how often tokens were asked for, never what the secret was.
    const reply = await state.once({ method: 'POST', path: c.req.path, body: { grant_type: grantType } }, () => {
      if (!creds || creds.id !== cfg.clientId || !timingSafeEqual(creds.secret, cfg.clientSecret)) {
        return { status: 401, body: oauthFail('invalid_client', 'client authentication failed') };
      }
      if (!form) return { status: 400, body: oauthFail('invalid_request', 'body must be application/x-www-form-urlencoded') };
      if (grantType !== 'client_credentials') return { status: 400, body: oauthFail('unsupported_grant_type', 'only client_credentials is supported') };
      const token = randomToken();
      tokens.set(token, now().getTime() + ttlSeconds * 1000);
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: ttlSeconds } };
    });
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (reply.status === 401) headers['www-authenticate'] = 'Basic realm="bukalapak"';
    return c.json(reply.body as object, reply.status as 200, headers);
  });

  app.use('/v2/*', async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const expiresAt = m ? tokens.get(m[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= now().getTime()) {
      return c.json(fail(401, 40101, 'access token is invalid or expired'), 401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    await next();
  });

  app.get('/v2/prakerja/vouchers/:code', (c) => {
    const v = state.vouchers.get(c.req.param('code'));
    if (!v) return c.json(fail(404, 40401, 'voucher not found'), 404);
    return c.json({ data: render(v), meta: { http_status: 200 } });
  });

  app.post('/v2/prakerja/vouchers/:code/redemptions', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { prakerja_card_number?: string } | null;
    const key = c.req.header('x-idempotency-key');
    if (!body?.prakerja_card_number) return c.json(fail(400, 40001, 'prakerja_card_number is required'), 400);
    if (!key) return c.json(fail(400, 40001, 'X-Idempotency-Key is required'), 400);
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: key, body }, () => {
      const r = state.redeem(c.req.param('code'), body.prakerja_card_number!, now());
      if (!r.ok) {
        const [status, code] = REFUSALS[r.reason];
        return { status, body: fail(status, code, r.reason.replace('_', ' ')) };
      }
      const data: BukalapakRedemption = { id: `BL-RDM-${r.voucher.code}`, voucher_code: r.voucher.code, status: 20, redeemed_at: toEpochSeconds(r.voucher.redeemedAt!) };
      return { status: 201, body: { data, meta: { http_status: 201 } } };
    });
    return c.json(reply.body as object, reply.status as 201);
  });

  return {
    app,
    state,
    expireTokens(): void {
      tokens.clear();
    },
    setTokenTtl(seconds: number): void {
      ttlSeconds = seconds;
    },
  };
}
