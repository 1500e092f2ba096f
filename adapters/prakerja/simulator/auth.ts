import { timingSafeEqual } from '../../shared/crypto.js';
import { SIM_TIMESTAMP_TOLERANCE_MS } from '../../shared/simulator-kit.js';
import { prakerjaSignature } from '../http.js';
import { refuse, send, type PrakerjaSimContext } from './replies.js';

/**
 * prakerja.go.id's signed API: client_code, timestamp and signature (HMAC over client code,
 * timestamp, path and body with the provider's sign key), ±5 minutes, then a JSON object body.
 */
export function mountSignedApi({ app, now }: PrakerjaSimContext, clients: Record<string, string>): void {
  app.use('/api/*', async (c, next) => {
    const clientCode = c.req.header('client_code') ?? '';
    const timestamp = c.req.header('timestamp') ?? '';
    const signature = c.req.header('signature') ?? '';
    const raw = await c.req.raw.clone().text();
    const key = Object.hasOwn(clients, clientCode) ? clients[clientCode] : undefined;
    if (key === undefined) return send(c, refuse('Client code tidak terdaftar', 401));
    const path = new URL(c.req.url).pathname;
    if (!timingSafeEqual(signature, await prakerjaSignature(key, clientCode, timestamp, path, raw))) return send(c, refuse('Signature tidak valid', 401));
    if (!/^\d+$/.test(timestamp) || Math.abs(now().getTime() - Number(timestamp) * 1000) > SIM_TIMESTAMP_TOLERANCE_MS) {
      return send(c, refuse('Timestamp tidak valid', 401));
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(c, refuse('Request tidak valid'));
    }
    if (typeof body !== 'object' || body === null) return send(c, refuse('Request tidak valid'));
    c.set('clientCode', clientCode);
    c.set('body', body as Record<string, unknown>);
    await next();
  });
}
