/**
 * The redemption baseline: a bare `node:http` server doing the least a redemption needs — one
 * signed upstream call (Tokopedia's redeem, at the same sandbox, over an undici keep-alive pool)
 * and one Postgres transaction writing the rows the gateway writes (the enrollment, its three
 * events, the outbox row), with raw postgres.js. No framework, validation, auth, idempotency,
 * name check or logging: the floor the gateway's figures are measured against.
 *
 *   PORT=… DATABASE_URL=postgres://… SANDBOX_URL=http://127.0.0.1:… node --import tsx bench/baseline-server.ts
 *   POST /redeem  {"voucherCode","cardNumber","participant":{"name","email"}}  → 201
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import postgres from 'postgres';
import { Pool } from 'undici';
import { TOKOPEDIA_PATHS, tokopediaSignature } from '../adapters/tokopedia/http.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';

const PORT = Number(process.env.PORT ?? 3990);
const DATABASE_URL = process.env.DATABASE_URL;
const SANDBOX_URL = process.env.SANDBOX_URL;
if (!DATABASE_URL || !SANDBOX_URL) {
  process.stderr.write('baseline-server needs DATABASE_URL and SANDBOX_URL\n');
  process.exit(2);
}

const CLIENT_ID = 'prakerja-gateway';
const PROVIDER_ID = 'prv-komputer-jaya';
const COURSE = { id: 'CRS-EXCEL-01', title: 'Microsoft Excel untuk Admin Kantor' };

// The gateway's own pool sizes: 10 database connections (src/db/postgres.ts), 64 per origin (src/node/outbound.ts).
const sql = postgres(DATABASE_URL, { max: 10, prepare: true, onnotice: () => {} });
const sandbox = new URL(SANDBOX_URL);
const upstream = new Pool(sandbox.origin, { connections: 64, keepAliveTimeout: 30_000 });
const basePath = `${sandbox.pathname.replace(/\/$/, '')}/sandbox/tokopedia`;

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

async function redeem(b: Body) {
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
  if (res.statusCode !== 200) return { status: 502, body: { error: `upstream ${res.statusCode}`, detail: text.slice(0, 200) } };
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
        ${b.participant.name}, ${b.participant.name}, 1, 'match', 'same name', 'redeemed', ${data.redemption_id}, ${redeemedAt})`;
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
  if (req.method === 'GET' && req.url === '/healthz') return reply(200, { status: 'ok' });
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
