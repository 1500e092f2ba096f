/**
 * The operators' console in a real browser (Debian's Chromium through playwright-core), against a
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
import { and, eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, discrepancies, outbox } from '../../src/db/schema.js';
import { chromiumAvailable, launchBrowser, skipNotice } from '../support/browser.js';
import { ROOT, tempDir } from '../support/gateway-process.js';
import { freePort } from '../support/processes.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

skipNotice('test/console/console-browser.test.ts');

const SITI = '5201123456780001';
const HELD_CARD = '5201999900000001';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = join(ROOT, 'docs', 'console');

describe.skipIf(!chromiumAvailable)('the operators’ console in a browser', () => {
  const w = useWorld();
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
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
      return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3) }));
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

  it('finds a demo participant by card number: masked on the page, the blocker and the next action', async () => {
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
    expect((await audited('reconciliation.run')).map((a) => a.reason)).toEqual(['Pemeriksaan harian']);
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
    const [a] = await audited('enrollment.accept_name');
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
    expect((await audited('discrepancy.resolve')).map((x) => x.target)).toEqual([`discrepancy:${id}`]);
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
    expect((await audited('dead_letters.replay'))[0]).toMatchObject({ operator: 'rina', target: `outbox:${deadId}` });
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
