import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callbackPipeline, type CallbackScheme } from '../../adapters/shared/callbacks.js';
import { eventTable } from '../../adapters/shared/events.js';
import { hmacHex, timingSafeEqual } from '../../src/contract/crypto.js';
import { CallbackRejected, type CallbackRequest } from '../../src/contract/adapter.js';
import { callbackVerdict } from '../support/adapter-tests.js';

/** A toy platform: the pipeline is checked once here, every adapter's scheme in its own suite. */
const SECRET = 'pipeline-secret';
const scheme: CallbackScheme<'id' | 'timestamp' | 'signature'> = {
  headers: { id: 'x-id', timestamp: 'x-ts', signature: 'x-sig' },
  async verify({ id, timestamp, signature }, req) {
    if (!timingSafeEqual(signature, await hmacHex('SHA-256', SECRET, `${id}.${timestamp}.${req.rawBody}`))) throw new CallbackRejected('bad_signature', 'no match');
    return { sentAt: new Date(timestamp), eventId: id };
  },
};
const Envelope = z.object({ id: z.string().optional(), word: z.string(), at: z.iso.datetime().optional(), data: z.unknown() });
const verify = callbackPipeline({
  platform: 'toy',
  scheme,
  envelope: { schema: Envelope, shape: '{ word, data }', open: (b) => ({ word: b.word, data: b.data, eventId: b.id, at: b.at ? new Date(b.at) : undefined }) },
  events: eventTable(
    { refunded: z.object({ code: z.string(), at: z.iso.datetime() }), expired: z.object({ code: z.string() }) },
    {
      refunded: (d) => ({ event: { kind: 'voucher.refunded', voucherCode: d.code, at: new Date(d.at) }, at: new Date(d.at) }),
      expired: (d, sent) => ({ event: { kind: 'voucher.expired', voucherCode: d.code, at: sent } }),
    },
  ),
});

const NOW = new Date('2026-03-01T10:00:00.000Z');
async function signed(body: unknown, o: { id?: string; sentAt?: Date; raw?: string } = {}): Promise<CallbackRequest> {
  const rawBody = o.raw ?? JSON.stringify(body);
  const id = o.id ?? 'evt-1';
  const ts = (o.sentAt ?? NOW).toISOString();
  const headers = new Headers({ 'x-id': id, 'x-ts': ts, 'x-sig': await hmacHex('SHA-256', SECRET, `${id}.${ts}.${rawBody}`) });
  return { path: '/v1/callbacks/toy', headers, rawBody, receivedAt: NOW };
}

describe('the callback pipeline every adapter shares', () => {
  it('checks the signature before reading the body or the clock', async () => {
    const req = await signed(undefined, { raw: 'not json', sentAt: new Date(NOW.getTime() - 3_600_000) });
    expect(await callbackVerdict(verify(req))).toBe('stale_timestamp');
    req.headers.set('x-sig', '0'.repeat(64));
    expect(await callbackVerdict(verify(req))).toBe('bad_signature');
    req.headers.delete('x-ts');
    expect(await callbackVerdict(verify(req))).toBe('missing_signature');
  });

  it('refuses a blank header as missing, and an unreadable signed time as stale', async () => {
    const blank = await signed({ word: 'expired', data: { code: 'A' } });
    blank.headers.set('x-id', '  ');
    expect(await callbackVerdict(verify(blank))).toBe('missing_signature');
    const req = await signed({ word: 'expired', data: { code: 'A' } });
    const ts = 'yesterday';
    req.headers.set('x-ts', ts);
    req.headers.set('x-sig', await hmacHex('SHA-256', SECRET, `evt-1.${ts}.${req.rawBody}`));
    expect(await callbackVerdict(verify(req))).toBe('stale_timestamp');
  });

  it('calls a signed body that is not JSON, not the envelope, or a known word with bad data malformed', async () => {
    expect(await callbackVerdict(verify(await signed(undefined, { raw: '{"word":' })))).toBe('malformed');
    expect(await callbackVerdict(verify(await signed({ data: {} })))).toBe('malformed');
    expect(await callbackVerdict(verify(await signed({ word: 'refunded', data: { code: 'A' } })))).toBe('malformed');
  });

  it('refuses a body whose event id differs from the signed one', async () => {
    expect(await callbackVerdict(verify(await signed({ id: 'evt-2', word: 'expired', data: { code: 'A' } })))).toBe('malformed');
    await expect(verify(await signed({ id: 'evt-1', word: 'expired', data: { code: 'A' } }))).resolves.toMatchObject({ eventId: 'evt-1' });
  });

  it('answers a word outside the table, even a prototype member, as unknown, dated by the envelope or else the signature', async () => {
    const envelopeAt = '2026-03-01T09:58:00.000Z';
    await expect(verify(await signed({ word: 'order.shipped', at: envelopeAt, data: {} }))).resolves.toEqual({ eventId: 'evt-1', platformType: 'order.shipped', occurredAt: new Date(envelopeAt), event: { kind: 'unknown', platformType: 'order.shipped' } });
    await expect(verify(await signed({ word: 'constructor', data: {} }))).resolves.toEqual({ eventId: 'evt-1', platformType: 'constructor', occurredAt: NOW, event: { kind: 'unknown', platformType: 'constructor' } });
  });

  it('dates an event by the time its data names, else the envelope’s, else the signed one', async () => {
    const named = '2026-02-27T00:00:00.000Z';
    expect((await verify(await signed({ word: 'refunded', at: '2026-03-01T09:59:00.000Z', data: { code: 'A', at: named } }))).occurredAt).toEqual(new Date(named));
    expect((await verify(await signed({ word: 'expired', at: '2026-03-01T09:59:00.000Z', data: { code: 'A' } }))).occurredAt).toEqual(new Date('2026-03-01T09:59:00.000Z'));
    const bySignature = await verify(await signed({ word: 'expired', data: { code: 'A' } }));
    expect(bySignature).toEqual({ eventId: 'evt-1', platformType: 'expired', occurredAt: NOW, event: { kind: 'voucher.expired', voucherCode: 'A', at: NOW } });
  });
});
