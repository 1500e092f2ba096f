/**
 * The redemption baseline: a bare `node:http` server doing the least a redemption needs — the
 * signed upstream calls (at the same sandbox, over an undici keep-alive pool) and one Postgres
 * transaction writing the rows the gateway writes (the enrollment, its three events, the outbox
 * row), with raw postgres.js. No framework, validation, auth, idempotency, name check or
 * logging: the floor the gateway's figures are measured against. Two modes:
 *
 * - `BASELINE_CALLS=1` (default): one upstream call, Tokopedia's redeem.
 * - `BASELINE_CALLS=3`: the three calls the gateway makes — Tokopedia's GET voucher and the
 *   participant lookup at prakerja.go.id at once, then Tokopedia's redeem — each signed with the
 *   adapter's own helper, the voucher's and participant's answers used for the row written.
 *
 *   PORT=… DATABASE_URL=postgres://… SANDBOX_URL=http://127.0.0.1:… [BASELINE_CALLS=3] node --import tsx bench/baseline-server.ts
 *   POST /redeem  {"voucherCode","cardNumber","participant":{"name","email"}}  → 201
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import postgres from 'postgres';
import { Pool } from 'undici';
import { PRAKERJA_PATHS, prakerjaSignature } from '../adapters/prakerja/http.js';
import { TOKOPEDIA_PATHS, tokopediaSignature } from '../adapters/tokopedia/http.js';
import { DEMO_PROVIDERS, SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';

const PORT = Number(process.env.PORT ?? 3990);
const DATABASE_URL = process.env.DATABASE_URL;
const SANDBOX_URL = process.env.SANDBOX_URL;
const CALLS = Number(process.env.BASELINE_CALLS ?? 1);
if (!DATABASE_URL || !SANDBOX_URL) {
  process.stderr.write('baseline-server needs DATABASE_URL and SANDBOX_URL\n');
  process.exit(2);
}
if (CALLS !== 1 && CALLS !== 3) {
  process.stderr.write('BASELINE_CALLS is 1 or 3\n');
  process.exit(2);
}

const CLIENT_ID = 'prakerja-gateway';
const PROVIDER_ID = DEMO_PROVIDERS[0].id;
// The provider's prakerja.go.id credentials in the sandbox (src/sandbox/sandbox.ts sandboxKeys).
const PRAKERJA_CLIENT_CODE = DEMO_PROVIDERS[0].prakerjaClientCode;
const PRAKERJA_SIGN_KEY = SANDBOX_SECRETS.prakerjaDefaultKey;
const COURSE = { id: 'CRS-EXCEL-01', title: 'Microsoft Excel untuk Admin Kantor' };

// The gateway's own pool sizes: 10 database connections (src/db/postgres.ts), 64 per origin (src/node/outbound.ts).
const sql = postgres(DATABASE_URL, { max: 10, prepare: true, onnotice: () => {} });
const sandbox = new URL(SANDBOX_URL);
const upstream = new Pool(sandbox.origin, { connections: 64, keepAliveTimeout: 30_000 });
const sandboxPath = sandbox.pathname.replace(/\/$/, '');
const basePath = `${sandboxPath}/sandbox/tokopedia`;
const lookupPath = `${sandboxPath}/sandbox/prakerja${PRAKERJA_PATHS.participantLookup}`;

interface Body {
  voucherCode: string;
  cardNumber: string;
  participant: { name: string; email: string };
}

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
}

type Reply = { status: number; body: unknown };
const badGateway = (what: string, status: number, text: string): Reply => ({ status: 502, body: { error: `${what} ${status}`, detail: text.slice(0, 200) } });

/** Tokopedia's GET voucher, signed as `tokopediaRequest` signs it (empty body). */
async function getVoucher(code: string): Promise<{ status: number; text: string }> {
  const timestamp = new Date().toISOString();
  const res = await upstream.request({
    method: 'GET',
    path: basePath + TOKOPEDIA_PATHS.voucher(code),
    headers: {
      accept: 'application/json',
      'x-tokopedia-client-id': CLIENT_ID,
      'x-tokopedia-timestamp': timestamp,
      'x-tokopedia-signature': await tokopediaSignature(SANDBOX_SECRETS.tokopedia, timestamp, ''),
    },
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** prakerja.go.id's participant lookup, signed as `prakerjaRequest` signs it (the full path is signed). */
async function lookupParticipant(cardNumber: string): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify({ card_number: cardNumber });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await upstream.request({
    method: 'POST',
    path: lookupPath,
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      client_code: PRAKERJA_CLIENT_CODE,
      timestamp,
      signature: await prakerjaSignature(PRAKERJA_SIGN_KEY, PRAKERJA_CLIENT_CODE, timestamp, lookupPath, payload),
    },
    body: payload,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

async function redeem(b: Body): Promise<Reply> {
  // The names written: the provider's in the one-call mode, the platform's and prakerja.go.id's in the three-call mode.
  let buyerName = b.participant.name;
  let prakerjaName = b.participant.name;
  if (CALLS === 3) {
    const [voucher, participant] = await Promise.all([getVoucher(b.voucherCode), lookupParticipant(b.cardNumber)]);
    if (voucher.status !== 200) return badGateway('voucher', voucher.status, voucher.text);
    if (participant.status !== 200) return badGateway('participant', participant.status, participant.text);
    const v = (JSON.parse(voucher.text) as { data: { status: string; buyer_name: string } }).data;
    const p = (JSON.parse(participant.text) as { data: { name: string; status: string } }).data;
    if (v.status !== 'PAID' || p.status !== 'active') return { status: 422, body: { error: 'not redeemable', voucher: v.status, participant: p.status } };
    buyerName = v.buyer_name;
    prakerjaName = p.name;
  }

  const payload = JSON.stringify({ prakerja_card_number: b.cardNumber, participant_name: b.participant.name, participant_email: b.participant.email });
  const timestamp = new Date().toISOString();
  const res = await upstream.request({
    method: 'POST',
    path: basePath + TOKOPEDIA_PATHS.redeem(b.voucherCode),
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-tokopedia-client-id': CLIENT_ID,
      'x-tokopedia-timestamp': timestamp,
      'x-tokopedia-signature': await tokopediaSignature(SANDBOX_SECRETS.tokopedia, timestamp, payload),
      'idempotency-key': `redeem:tokopedia:${b.voucherCode}`,
    },
    body: payload,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) return badGateway('upstream', res.statusCode, text);
  const data = (JSON.parse(text) as { data: { redemption_id: string; redeemed_at: string } }).data;

  const id = randomUUID();
  const now = new Date();
  const redeemedAt = new Date(data.redeemed_at);
  const idempotencyKey = `${id}:prakerja.redemption`;
  await sql.begin(async (tx) => {
    await tx`
      insert into enrollments (id, provider_id, platform, voucher_code, course_id, course_title, card_number, participant_name, participant_email,
        platform_buyer_name, prakerja_name, name_score, name_decision, name_explanation, state, platform_reference, redeemed_at)
      values (${id}, ${PROVIDER_ID}, 'tokopedia', ${b.voucherCode}, ${COURSE.id}, ${COURSE.title}, ${b.cardNumber}, ${b.participant.name}, ${b.participant.email},
        ${buyerName}, ${prakerjaName}, 1, 'match', 'same name', 'redeemed', ${data.redemption_id}, ${redeemedAt})`;
    await tx`
      insert into enrollment_events (enrollment_id, type, from_state, to_state, source, detail, occurred_at) values
        (${id}, 'voucher_purchased', null, 'purchased', 'platform', ${JSON.stringify({ platformStatus: 'PAID' })}::jsonb, ${now}),
        (${id}, 'name_checked', null, null, 'gateway', ${JSON.stringify({ decision: 'match', score: 1 })}::jsonb, ${now}),
        (${id}, 'voucher_redeemed', 'purchased', 'redeemed', 'provider', ${JSON.stringify({ platformReference: data.redemption_id })}::jsonb, ${redeemedAt})`;
    await tx`
      insert into outbox (destination, kind, enrollment_id, provider_id, payload, idempotency_key)
      values ('prakerja', 'prakerja.redemption', ${id}, ${PROVIDER_ID},
        ${JSON.stringify({ enrollmentId: id, voucherCode: b.voucherCode, cardNumber: b.cardNumber, platform: 'tokopedia', courseId: COURSE.id, redeemedAt, idempotencyKey })}::jsonb,
        ${idempotencyKey})`;
  });
  return { status: 201, body: { id, state: 'redeemed', platformReference: data.redemption_id, redeemedAt } };
}

const server = createServer((req, res) => {
  const reply = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === 'GET' && req.url === '/healthz') return reply(200, { status: 'ok', upstreamCalls: CALLS });
  if (req.method !== 'POST' || req.url !== '/redeem') return reply(404, { error: 'not found' });
  readJson(req)
    .then(redeem)
    .then((r) => reply(r.status, r.body))
    .catch((e: Error) => reply(500, { error: e.message }));
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1');

const stop = async () => {
  server.close();
  await Promise.allSettled([sql.end({ timeout: 2 }), upstream.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
