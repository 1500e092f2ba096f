import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { limitBody } from '../src/app/body-limit.js';

const MAX = 100;

function app() {
  const a = new Hono();
  a.use('*', limitBody(MAX, (c) => c.json({ refused: 'too_large' }, 413)));
  a.post('/', async (c) => c.json({ got: JSON.stringify(await c.req.json()).length }));
  a.get('/', (c) => c.json({ ok: true }));
  return a;
}

/** A body that says whether anything pulled from it. */
function watchedBody(text: string) {
  const seen = { read: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.read = true;
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  }, { highWaterMark: 0 }); // pulled only when someone reads
  return { body, seen };
}

describe('limitBody', () => {
  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const { body, seen } = watchedBody(JSON.stringify({ pad: 'x'.repeat(200) }));
    const res = await app().request('/', { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json', 'content-length': '214' } } as RequestInit);
    expect(res.status).toBe(413);
    expect(seen.read).toBe(false);
  });

  it('counts a streamed body without a length and refuses it once it passes the limit', async () => {
    const { body } = watchedBody(JSON.stringify({ pad: 'x'.repeat(200) }));
    const res = await app().request('/', { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('lets bodies within the limit through, declared or streamed, and the route reads them', async () => {
    const text = JSON.stringify({ a: 'b' });
    const declared = await app().request('/', { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'content-length': String(text.length) } });
    expect(await declared.json()).toEqual({ got: text.length });
    const streamed = await app().request('/', { method: 'POST', body: watchedBody(text).body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
    expect(await streamed.json()).toEqual({ got: text.length });
  });

  it('a declared length is the one checked: a body that lies about it longer than the limit is refused', async () => {
    const res = await app().request('/', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'content-length': String(MAX + 1) } });
    expect(res.status).toBe(413);
  });
});
