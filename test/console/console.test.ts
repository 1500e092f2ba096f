/**
 * The console's doors, through the app in-process: who gets in (an ops token, never a provider's),
 * what the session cookie is, and that a form without its token, or from another site, is refused
 * as application/problem+json naming the field and rule, with nothing written.
 *
 * Then the console in a real browser (Debian's Chromium through playwright-core), against a
 * whole gateway in this process: a fresh PGlite database, the sandbox simulators behind msw, and a
 * dispatcher the test drives. An operator signs in with an ops token, finds a demo participant and
 * sees what blocks the certificate, starts a reconciliation run, accepts a held name (and sees the
 * certificate delivery released), resolves a discrepancy and replays a dead letter; each action is
 * in the audit log as through the API. axe-core checks every page; the screenshots of the main
 * pages are written to docs/console/ for the README.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { and, count, eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, discrepancies, outbox } from '../../src/db/schema.js';
import { chromiumAvailable, launchBrowser, skipNotice } from '../support/browser.js';
import { ROOT, tempDir } from '../support/gateway-process.js';
import { freePort } from '../support/processes.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

// One gateway for the file: the HTTP checks first, then the browser.
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

  it('the language switch keeps the page’s query', async () => {
    const { cookie } = await session();
    const html = await (await w.app.request(`${BASE}/console/discrepancies?kind=dead_letter&status=open`, { headers: { cookie } })).text();
    expect(html).toContain('href="/console/discrepancies?kind=dead_letter&amp;status=open&amp;lang=en"');
  });

  it('signing out ends the session in the browser; an expired session is no session', async () => {
    const { cookie, csrf } = await session();
    const out = await post('/console/sign-out', cookie, { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in');
    expect(out.headers.getSetCookie().find((c) => c.startsWith('console_session='))).toMatch(/Max-Age=0/);
    const key = await w.deps.tokens.keyFor('console:session');
    const { SignJWT } = await import('jose');
    const expired = await new SignJWT({ sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('rina').setAudience('prakerja-console').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
    expect((await w.app.request(`${BASE}/console/names`, { headers: { cookie: `console_session=${expired}` } })).status).toBe(303);
    const valid = await new SignJWT({ sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('rina').setAudience('prakerja-console').setExpirationTime('5m').sign(key);
    expect((await w.app.request(`${BASE}/console/names`, { headers: { cookie: `console_session=${valid}` } })).status).toBe(200);
  });

  it('a filter out of its range is refused naming the query field', async () => {
    const { cookie } = await session();
    const res = await w.app.request(`${BASE}/console/discrepancies?olderThanDays=0`, { headers: { cookie } });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0]).toMatchObject({ field: 'query:olderThanDays' });
  });

  it('pages are Indonesian by default and English with ?lang=en', async () => {
    const { cookie } = await session();
    expect(await (await w.app.request(`${BASE}/console/names`, { headers: { cookie } })).text()).toContain('<html lang="id">');
    const en = await (await w.app.request(`${BASE}/console/names?lang=en`, { headers: { cookie } })).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Name reviews');
  });
});

skipNotice('test/console/console.test.ts');

const SITI = '5201123456780001';
const HELD_CARD = '5201999900000001';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = join(ROOT, 'docs', 'console');

describe.skipIf(!chromiumAvailable)('the operators’ console in a browser', () => {
  const dir = tempDir('console-browser-');
  let server: ServerType | undefined;
  let base = '';
  let browser: BrowserContext | undefined;
  let page: Page;
  let heldId = '';
  let deadId = 0;

  const post = async (path: string, body: unknown) => {
    const res = await w.post(path, body);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const certificate = (n: string) => ({ number: n, issuedAt: new Date().toISOString(), url: 'https://lpk.example/c.pdf', sha256: 'b'.repeat(64) });
  const audited = async (action: string) => w.deps.database.db.select().from(auditLog).where(eq(auditLog.action, action));

  beforeAll(async () => {
    const soon = () => new Date(Date.now() + 1000).toISOString();
    // A demo participant who completed but has not reviewed the training yet.
    const siti = await post('/v1/redemptions', { voucherCode: 'TKPA1B2C3D4E', cardNumber: SITI, participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } });
    await post(`/v1/enrollments/${siti.id}/completion`, { outcome: 'passed', score: 88, completedAt: soon(), certificate: certificate('CERT-SITI-1') });
    // A participant whose platform account carries a short name: held for review after her review.
    w.sandbox.prakerja.addParticipant({ cardNumber: HELD_CARD, name: 'Putri Ayu Lestari', status: 'active' });
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPNAME00001', cardNumber: HELD_CARD, buyerName: 'Putri Ayu' }));
    const held = await post('/v1/redemptions', { voucherCode: 'TKPNAME00001', cardNumber: HELD_CARD, participant: { name: 'Putri Ayu Lestari', email: 'putri@example.id' }, platform: 'tokopedia' });
    heldId = held.id;
    await post(`/v1/enrollments/${held.id}/completion`, { outcome: 'passed', score: 90, completedAt: soon(), certificate: certificate('CERT-NAME-1') });
    // A delivery Tokopedia refuses (a 4xx is final): a dead letter.
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPDEADCON01', cardNumber: '3578098765430004', buyerName: 'Bambang Wijaya' }));
    const dead = await post('/v1/redemptions', { voucherCode: 'TKPDEADCON01', cardNumber: '3578098765430004', participant: { name: 'Bambang Wijaya', email: 'b@example.id' }, platform: 'tokopedia' });
    w.server.use(http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPDEADCON01/completion`, () => HttpResponse.json({ errors: [{ code: 'INVALID_REQUEST', message: 'score out of range' }] }, { status: 400 })));
    await post(`/v1/enrollments/${dead.id}/completion`, { outcome: 'failed', score: 20, completedAt: soon() });
    await w.dispatcher.drain();
    w.server.resetHandlers();
    expect((await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPNAME00001', rating: 5, review: 'Mantap', reviewedAt: new Date() })).status).toBe(200);
    await w.dispatcher.drain();
    const [letter] = await w.deps.database.db.select().from(outbox).where(and(eq(outbox.status, 'dead'), eq(outbox.enrollmentId, dead.id)));
    deadId = letter.id;

    const port = await freePort();
    server = serve({ fetch: w.app.fetch, port, hostname: '127.0.0.1' });
    base = `http://127.0.0.1:${port}`;
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser(join(dir.path, 'profile'), { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    page = await browser.newPage();
    // Nothing but the gateway: a request elsewhere (a CDN) fails the page.
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('internetdisconnected')));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(() => done(undefined)) : done(undefined)));
    dir.remove();
  });

  /** axe-core on the page as it stands: no serious or critical violation. */
  async function accessible(name: string) {
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: Document, options: { resultTypes: string[] }): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3) }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), name).toEqual([]);
  }
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const fillReason = (form: ReturnType<Page['locator']>, text: string) => form.getByRole('textbox', { name: /Alasan|Reason/ }).fill(text);

  it('signs in with an ops token (keyboard first: the skip link), in Indonesian', async () => {
    await page.goto(`${base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('id');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Langsung ke isi');
    await accessible('sign-in');
    await shot('sign-in');
    await page.getByLabel('Token ops').fill(await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' }));
    await page.getByRole('button', { name: 'Masuk' }).click();
    expect(new URL(page.url()).pathname).toBe('/console/participants');
    await expect(page.getByText('rina', { exact: true })).toBeVisibleSoon();
  });

  it('finds a demo participant by card number: masked on the page, the blocker and the next action (without the script)', async () => {
    // Reading needs no script: the console's one module is refused for this page.
    await page.route('**/console/assets/console.js', (route) => route.abort('blockedbyclient'));
    await page.getByLabel('Nomor Kartu Prakerja').fill(SITI);
    await page.getByRole('button', { name: 'Cari' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Peserta 5201********0001');
    const text = await page.locator('main').innerText();
    expect(text).toContain('the participant has not rated and reviewed the training yet');
    expect(text).toContain('Tunggu peserta memberi ulasan di platform.');
    // The whole number only in the search box, nowhere in the page's text.
    expect(text).not.toContain(SITI);
    await expect(page.getByLabel('Nomor Kartu Prakerja').inputValue()).resolves.toBe(SITI);
    await expect(page.locator('ol.timeline li.blocked .step').innerText()).resolves.toBe('Ulasan');
    await accessible('participant');
    await shot('participant');
    await page.unroute('**/console/assets/console.js');
  });

  it('starts a reconciliation run and sees its findings per kind', async () => {
    await page.getByRole('link', { name: 'Rekonsiliasi' }).click();
    const form = page.locator('form[action="/console/runs"]');
    await form.getByLabel('Alasan (masuk ke log audit)').fill('Pemeriksaan harian');
    await form.getByRole('button', { name: 'Mulai proses' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/runs\/\d+$/);
    await expect(page.getByRole('status').first().innerText()).resolves.toBe('Proses rekonsiliasi selesai.');
    const text = await page.locator('main').innerText();
    expect(text).toContain('name_mismatch_pending');
    expect(text).toContain('dead_letter');
    await accessible('run');
    await shot('reconciliation-run');
    expect((await audited('reconciliation.run')).map((a) => a.reason)).toContain('Pemeriksaan harian');
  });

  it('accepts a held name with a reason, and the certificate delivery is released', async () => {
    await page.getByRole('link', { name: 'Tinjauan nama' }).click();
    const card = page.locator(`section[data-enrollment="${heldId}"]`);
    for (const name of ['Putri Ayu Lestari', 'Putri Ayu']) await expect(card.getByText(name, { exact: true }).first().isVisible()).resolves.toBe(true);
    await accessible('names');
    await shot('name-reviews');
    const accept = card.locator('form[action$="/accept-name"]');
    await fillReason(accept, 'Orang yang sama: KTP diperiksa, akun platform memakai nama pendek.');
    await accept.getByRole('button', { name: 'Terima nama' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toBe('Nama diterima; laporan yang tertahan dijadwalkan.');
    expect(await page.locator(`section[data-enrollment="${heldId}"]`).count()).toBe(0);

    await page.goto(`${base}/console/participants?enrollment=${heldId}`);
    const certRow = page.locator('tr[data-delivery="prakerja.certificate"]');
    await expect(certRow.innerText()).resolves.toContain('pending');
    const a = (await audited('enrollment.accept_name')).find((x) => x.target === `enrollment:${heldId}`)!;
    expect(a).toMatchObject({ operator: 'rina', target: `enrollment:${heldId}`, reason: 'Orang yang sama: KTP diperiksa, akun platform memakai nama pendek.' });
    expect(a.detail).toMatchObject({ enqueued: expect.arrayContaining(['prakerja.certificate']) });
  });

  it('resolves a discrepancy from a filtered list, with one reason', async () => {
    await page.getByRole('link', { name: 'Selisih' }).click();
    const kind = await page.locator('tr[data-discrepancy]:has(input[type=checkbox]) td:nth-child(3)').first().innerText();
    // Filter by that finding's kind and by status through the form, as an operator would.
    await page.getByLabel('Jenis').selectOption(kind);
    await page.getByLabel('Status', { exact: true }).selectOption('open');
    await page.getByRole('button', { name: 'Terapkan' }).click();
    await accessible('discrepancies');
    await shot('discrepancies');
    // The page's rows sort by a column (script), without losing the server's filter.
    const sortById = page.locator('table[data-sortable] th').nth(1);
    await sortById.getByRole('button').click();
    await sortById.getByRole('button').click();
    await expect(sortById.getAttribute('aria-sort')).resolves.toBe('descending');
    const ids = (await page.locator('tr[data-discrepancy]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-discrepancy')))));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const rows = page.locator('tr[data-discrepancy]');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-discrepancy] td:nth-child(3)').allInnerTexts()).toEqual(Array((await rows.count())).fill(kind));
    const id = Number(await rows.first().getAttribute('data-discrepancy'));
    await page.getByLabel(`Pilih #${id}`).check();
    await page.getByRole('textbox', { name: /Alasan/ }).fill('Peserta sudah dihubungi untuk memberi ulasan.');
    await page.getByRole('button', { name: 'Selesaikan yang dipilih' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toBe('Selisih ditandai selesai.');
    expect(new URL(page.url()).searchParams.get('kind')).toBe(kind);
    const [row] = await w.deps.database.db.select().from(discrepancies).where(eq(discrepancies.id, id));
    expect(row).toMatchObject({ status: 'resolved', resolvedBy: 'rina', resolution: 'Peserta sudah dihubungi untuk memberi ulasan.' });
    expect((await audited('discrepancy.resolve')).map((x) => x.target)).toContain(`discrepancy:${id}`);
    // The CSV link carries the current filter.
    await expect(page.getByRole('link', { name: 'Unduh CSV (saringan ini)' }).getAttribute('href')).resolves.toBe(`/console/discrepancies.csv?kind=${kind}&status=open`);
  });

  it('replays a dead letter, grouped by destination and error', async () => {
    await page.getByRole('link', { name: 'Surat gagal kirim' }).click();
    const group = page.locator('table[data-destination="tokopedia"]');
    await expect(group.locator('caption').innerText()).resolves.toContain('score out of range');
    await accessible('dead-letters');
    await shot('dead-letters');
    await page.getByLabel(`Pilih #${deadId}`).check();
    await page.getByRole('textbox', { name: /Alasan/ }).fill('Tokopedia sudah memperbaiki validasi skor.');
    await page.getByRole('button', { name: 'Kirim ulang yang dipilih' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toBe('Surat gagal kirim dijadwalkan ulang.');
    const [row] = await w.deps.database.db.select().from(outbox).where(eq(outbox.id, deadId));
    expect(row.status).toBe('pending');
    expect(await page.locator(`tr[data-dead="${deadId}"]`).count()).toBe(0);
    expect((await audited('dead_letters.replay')).find((a) => a.target === `outbox:${deadId}`)).toMatchObject({ operator: 'rina', reason: 'Tokopedia sudah memperbaiki validasi skor.' });
  });

  it('shows the platforms with their 24 h chart, and the audit log filtered by operator, in English', async () => {
    await page.goto(`${base}/console/platforms?lang=en`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Platform health');
    expect(await page.locator('section.card').count()).toBeGreaterThanOrEqual(9);
    await expect(page.locator('section[data-destination="prakerja"] h2').innerText()).resolves.toBe('prakerja.go.id');
    expect(await page.locator('section[data-destination="tokopedia"] svg.chart rect').count()).toBe(48);
    await expect(page.locator('main').innerText()).resolves.toMatch(/WIB/);
    await accessible('platforms');
    await shot('platforms');

    await page.goto(`${base}/console/audit?operator=rina`);
    const actions = await page.locator('tbody tr td:nth-child(3)').allInnerTexts();
    expect(actions).toEqual(expect.arrayContaining(['enrollment.accept_name', 'discrepancy.resolve', 'dead_letters.replay', 'reconciliation.run']));
    await accessible('audit');
    await shot('audit');
  });
});

declare module 'vitest' {
  interface Assertion<T> {
    toBeVisibleSoon(): Promise<void>;
  }
}
expect.extend({
  async toBeVisibleSoon(locator: { waitFor(o: { state: 'visible'; timeout: number }): Promise<void> }) {
    try {
      await locator.waitFor({ state: 'visible', timeout: 10_000 });
      return { pass: true, message: () => 'visible' };
    } catch (e) {
      return { pass: false, message: () => String(e) };
    }
  },
});
