/**
 * The console's doors, through the app in-process: who gets in (an ops token, never a provider's),
 * what the session cookie is, and that a form without its token, or from another site, is refused
 * as application/problem+json naming the field and rule, with nothing written.
 */
import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
const BASE = 'http://127.0.0.1';

/** A tiny cookie jar: what the console set, sent back as a browser would. */
function jar() {
  const cookies = new Map<string, string>();
  return {
    take(res: Response) {
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    get: (k: string) => cookies.get(k),
  };
}

const csrfIn = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1];

async function signIn(token: string, base = BASE) {
  const j = jar();
  const form = await w.app.request(`${base}/console/sign-in`);
  j.take(form);
  const csrf = csrfIn(await form.text());
  const res = await w.app.request(`${base}/console/sign-in`, {
    method: 'POST',
    headers: { cookie: j.header(), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, _csrf: csrf ?? '' }),
  });
  j.take(res);
  return { res, jar: j };
}

const auditCount = async () => (await w.deps.database.db.select({ n: count() }).from(auditLog))[0].n;

describe('console sign-in', () => {
  it('a page without a session sends the browser to sign in', async () => {
    const res = await w.app.request(`${BASE}/console/names`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fnames');
  });

  it('an ops token opens a short-lived HttpOnly, SameSite=Strict session; Secure unless plain http to loopback', async () => {
    const ops = await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' });
    const { res, jar: j } = await signIn(ops);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/participants');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('console_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=3600/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await w.app.request(`${BASE}/console/names`, { headers: { cookie: j.header() } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('rina');

    const remote = await signIn(ops, 'https://console.example.id');
    expect(remote.res.headers.getSetCookie().find((c) => c.startsWith('console_session='))).toMatch(/Secure/);
  });

  it('a provider token never opens the console', async () => {
    const { res } = await signIn(await w.token());
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'forbidden', errors: [{ field: 'token', rule: 'ops_token' }] });
    expect(res.headers.getSetCookie().some((c) => c.startsWith('console_session='))).toBe(false);
  });

  it('a token that is not one is refused naming the field', async () => {
    const { res } = await signIn('not-a-token');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errors: [{ field: 'token', rule: 'valid_token' }] });
  });

  it('the session cookie is not an API token', async () => {
    const { jar: j } = await signIn(await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' }));
    const res = await w.app.request('/v1/ops/audit', { headers: { authorization: `Bearer ${j.get('console_session')}` } });
    expect(res.status).toBe(401);
  });

  it('a forged session is no session', async () => {
    const forged = await new (await import('jose')).SignJWT({ sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('rina').setAudience('prakerja-console').setExpirationTime('1h').sign(new TextEncoder().encode('some other key that is long enough'));
    const res = await w.app.request(`${BASE}/console/names`, { headers: { cookie: `console_session=${forged}` } });
    expect(res.status).toBe(303);
  });
});

describe('console forms', () => {
  async function session() {
    const { jar: j } = await signIn(await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' }));
    const page = await w.app.request(`${BASE}/console/names`, { headers: { cookie: j.header() } });
    return { cookie: j.header(), csrf: csrfIn(await page.text())! };
  }
  const post = (path: string, cookie: string, body: Record<string, string>, headers: Record<string, string> = { origin: BASE }) =>
    w.app.request(`${BASE}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });

  it('a form without its CSRF token is refused and writes nothing', async () => {
    const { cookie } = await session();
    const before = await auditCount();
    const res = await post('/console/runs', cookie, { from: '2026-01-01T00:00', reason: 'monthly run' });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'csrf_token_invalid', errors: [{ field: '_csrf', rule: 'csrf_token' }] });
    expect(await auditCount()).toBe(before);
  });

  it('another session’s token is refused too', async () => {
    const a = await session();
    const b = await session();
    const res = await post('/console/dead-letters/replay', a.cookie, { _csrf: b.csrf, ids: '1', reason: 'replay it' });
    expect(res.status).toBe(403);
    expect((await res.json()).errors[0].field).toBe('_csrf');
  });

  it('a form posted from another site is refused by its origin', async () => {
    const { cookie, csrf } = await session();
    const res = await post('/console/dead-letters/replay', cookie, { _csrf: csrf, ids: '1', reason: 'replay it' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'cross_site_form', errors: [{ field: 'header:Origin', rule: 'same_origin' }] });
  });

  it('an action without a reason is refused naming the field; with its token and a reason it is audited', async () => {
    const { cookie, csrf } = await session();
    const before = await auditCount();
    const bad = await post('/console/runs', cookie, { _csrf: csrf, from: '2026-01-01T00:00', reason: 'x'.repeat(1001) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0]).toMatchObject({ field: 'reason' });
    const noIds = await post('/console/dead-letters/replay', cookie, { _csrf: csrf, reason: 'replay it' });
    expect(noIds.status).toBe(400);
    expect((await noIds.json()).errors[0]).toMatchObject({ field: 'ids' });
    const noReason = await post('/console/dead-letters/replay', cookie, { _csrf: csrf, ids: '1' });
    expect((await noReason.json()).errors[0]).toMatchObject({ field: 'reason' });
    expect(await auditCount()).toBe(before);

    const ok = await post('/console/dead-letters/replay', cookie, { _csrf: csrf, ids: '999999', reason: 'checked with the platform' });
    expect(ok.status).toBe(303);
    const audit = await (await w.app.request('/v1/ops/audit?action=dead_letters.replay', { headers: { authorization: `Bearer ${await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' })}` } })).json();
    expect(audit.items[0]).toMatchObject({ operator: 'rina', reason: 'checked with the platform', target: 'outbox:999999' });
  });

  it('a browser is shown the refusal as a page naming the field and rule', async () => {
    const { cookie, csrf } = await session();
    const res = await post('/console/dead-letters/replay', cookie, { _csrf: csrf, reason: 'replay it' }, { origin: BASE, accept: 'text/html' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<code>ids</code>');
    expect(html).toContain('role="alert"');
  });

  it('pages are Indonesian by default and English with ?lang=en', async () => {
    const { cookie } = await session();
    expect(await (await w.app.request(`${BASE}/console/names`, { headers: { cookie } })).text()).toContain('<html lang="id">');
    const en = await (await w.app.request(`${BASE}/console/names?lang=en`, { headers: { cookie } })).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Name reviews');
  });
});
