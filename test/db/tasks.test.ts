import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PRAKERJA_PATHS } from '../../adapters/prakerja/http.js';
import { outbox } from '../../src/db/schema.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
const OTHER_PROVIDER = DEMO_PROVIDERS[1].id;

type Task = { redeemCode: string; scope: 'tpm' | 'uk'; sequence: number; fileUrl: string; notes: string | null; assignment: string; feedback: string; updatedAt: string };
type Ref = { redeemCode: string; scope: 'tpm' | 'uk'; sequence: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const taskPath = (t: Ref) => `/v1/tasks/${t.redeemCode}/${t.scope}/${t.sequence}`;

/** Drives the outbox until the task part settles: status polls are scheduled 1 ms after each other. */
async function settle(t: Ref, part: 'assignment' | 'feedback' = 'assignment'): Promise<Task> {
  let last: Task | undefined;
  for (let round = 0; round < 50; round++) {
    await w.dispatcher.drain();
    last = (await (await w.get(taskPath(t))).json()) as Task;
    if (last[part] === 'success' || last[part] === 'failed') return last;
    await sleep(5);
  }
  throw new Error(`task never settled: ${JSON.stringify(last)}`);
}

/** What the sandbox prakerja.go.id received about one task, by endpoint. */
function callsAbout(t: Ref) {
  const about = w.sandbox.prakerja.received.filter((r) => {
    const b = r.body as { redeem_code?: string; scope?: string; sequence?: number };
    return b.redeem_code === t.redeemCode && b.scope === t.scope && b.sequence === t.sequence;
  });
  return {
    all: about,
    submissions: about.filter((r) => r.path.endsWith(PRAKERJA_PATHS.taskSubmission)),
    feedback: about.filter((r) => r.path.endsWith(PRAKERJA_PATHS.taskFeedback)),
    polls: about.filter((r) => r.path.endsWith(PRAKERJA_PATHS.taskStatus)),
  };
}

describe('POST /v1/tasks — practical tasks through prakerja.go.id', () => {
  it.each([
    ['tpm', 1],
    ['uk', 999],
  ] as const)('a %s task (sequence %i) is accepted, delivered by the gateway, and tracked until it settles `success`', async (scope, sequence) => {
    const ref: Ref = { redeemCode: 'RC-SPL-0001', scope, sequence };
    const fileUrl = `https://lpk.example/tugas/${scope}-${sequence}.pdf`;
    const key = `task-${scope}-${sequence}`;
    const res = await w.post('/v1/tasks', { ...ref, fileUrl }, { key });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ ...ref, fileUrl, notes: null, assignment: 'not_submitted', feedback: 'not_submitted' });
    // Nothing has gone to prakerja.go.id yet: the call is in the outbox.
    expect(callsAbout(ref).all).toHaveLength(0);

    // The same request again (a client retry) is a replay, not a second submission.
    const replay = await w.post('/v1/tasks', { ...ref, fileUrl }, { key });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const settled = await settle(ref);
    expect(settled).toMatchObject({ ...ref, fileUrl, assignment: 'success', feedback: 'not_submitted' });
    const got = await w.get(taskPath(ref));
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ assignment: 'success' });

    // The provider never talks to prakerja.go.id: the sandbox saw the gateway's one submission, then its status polls.
    const calls = callsAbout(ref);
    expect(calls.submissions).toHaveLength(1);
    expect(calls.submissions[0].body).toMatchObject({ redeem_code: 'RC-SPL-0001', scope, sequence, url_file: fileUrl });
    expect(calls.polls.length).toBeGreaterThanOrEqual(2); // taskSettlePolls = 1: one `pending`, then settled
    expect(calls.all).toHaveLength(calls.submissions.length + calls.polls.length);
    expect(w.sandbox.prakerja.task('RC-SPL-0001', scope, sequence)?.assignment).toMatchObject({ state: 'success', fileUrl });

    // Once settled, nothing is left polling.
    const pending = await w.deps.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), eq(outbox.kind, 'prakerja.task.status')));
    expect(pending.filter((r) => (r.payload as Ref).scope === scope && (r.payload as Ref).sequence === sequence)).toHaveLength(0);
  });

  it('a file prakerja.go.id does not accept settles `failed`', async () => {
    const ref: Ref = { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 2 };
    expect((await w.post('/v1/tasks', { ...ref, fileUrl: 'https://lpk.example/tugas/fail-blurry.jpg' })).status).toBe(202);
    expect(await settle(ref)).toMatchObject({ assignment: 'failed', feedback: 'not_submitted' });
  });

  it('a failed task submitted again (same file) is delivered again and tracked again; an accidental duplicate is not', async () => {
    const ref: Ref = { redeemCode: 'RC-SPL-0001', scope: 'uk', sequence: 7 };
    const body = { ...ref, fileUrl: 'https://lpk.example/tugas/fail-uk7.pdf' };
    expect((await w.post('/v1/tasks', body)).status).toBe(202);
    expect((await w.post('/v1/tasks', body)).status).toBe(202); // a duplicate under a new key, before delivery
    expect(await settle(ref)).toMatchObject({ assignment: 'failed' });
    expect(callsAbout(ref).submissions).toHaveLength(1);

    const again = await w.post('/v1/tasks', body);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ assignment: 'not_submitted' });
    expect(await settle(ref)).toMatchObject({ assignment: 'failed' });
    expect(callsAbout(ref).submissions).toHaveLength(2);
  });

  it('a task for a redeem code prakerja.go.id refuses is dead-lettered at once with the reason, without opening the breaker for everyone else', async () => {
    for (const sequence of [1, 2, 3, 4, 5, 6]) {
      expect((await w.post('/v1/tasks', { redeemCode: 'RC-NOPE-0001', scope: 'tpm', sequence, fileUrl: 'https://lpk.example/t.pdf' })).status).toBe(202);
    }
    expect((await w.post('/v1/tasks', { redeemCode: 'RC-OTHER-0001', scope: 'tpm', sequence: 1, fileUrl: 'https://lpk.example/t.pdf' })).status).toBe(202);
    await w.dispatcher.drain();
    const rows = (await w.deps.database.db.select().from(outbox).where(eq(outbox.kind, 'prakerja.task.submit'))).filter((r) => (r.payload as Ref).redeemCode !== 'RC-SPL-0001');
    expect(rows).toHaveLength(7);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'dead', attempts: 1 });
      expect(r.lastError).toMatch((r.payload as Ref).redeemCode === 'RC-OTHER-0001' ? /bukan milik lembaga pelatihan/ : /tidak ditemukan/);
    }
    expect(w.dispatcher.breakers.snapshot().find((b) => b.destination === 'prakerja')?.state).toBe('closed');

    // prakerja.go.id is still reached for everyone else.
    const ok: Ref = { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 8 };
    expect((await w.post('/v1/tasks', { ...ok, fileUrl: 'https://lpk.example/tugas/8.pdf' })).status).toBe(202);
    expect(await settle(ok)).toMatchObject({ assignment: 'success' });
  });

  it('feedback on a task: delivered once, tracked until `success`, the assignment kept', async () => {
    const ref: Ref = { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 3 };
    // Feedback before the assignment: there is no task to give feedback on.
    const early = await w.post('/v1/tasks/feedback', { ...ref, fileUrl: 'https://lpk.example/feedback/3.pdf', notes: 'Bagus' });
    expect(early.status).toBe(404);

    expect((await w.post('/v1/tasks', { ...ref, fileUrl: 'https://lpk.example/tugas/3.pdf' })).status).toBe(202);
    await settle(ref);

    const res = await w.post('/v1/tasks/feedback', { ...ref, fileUrl: 'https://lpk.example/feedback/3.pdf', notes: 'Rapi dan lengkap; perbaiki rumus VLOOKUP.' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ notes: 'Rapi dan lengkap; perbaiki rumus VLOOKUP.', assignment: 'success', feedback: 'not_submitted' });
    const done = await settle(ref, 'feedback');
    expect(done).toMatchObject({ assignment: 'success', feedback: 'success', fileUrl: 'https://lpk.example/tugas/3.pdf', feedbackFileUrl: 'https://lpk.example/feedback/3.pdf' });

    const calls = callsAbout(ref);
    expect(calls.submissions).toHaveLength(1);
    expect(calls.feedback).toHaveLength(1);
    expect(calls.feedback[0].body).toMatchObject({ notes: 'Rapi dan lengkap; perbaiki rumus VLOOKUP.', url_file: 'https://lpk.example/feedback/3.pdf' });
    expect(w.sandbox.prakerja.task('RC-SPL-0001', 'tpm', 3)?.feedback).toMatchObject({ state: 'success', notes: 'Rapi dan lengkap; perbaiki rumus VLOOKUP.' });
  });

  it('another provider cannot read a task or submit feedback on it (404); its own submission for the code is refused by prakerja.go.id and never touches the owner’s task', async () => {
    const ref: Ref = { redeemCode: 'RC-SPL-0001', scope: 'uk', sequence: 4 };
    expect((await w.post('/v1/tasks', { ...ref, fileUrl: 'https://lpk.example/tugas/uk4.pdf' })).status).toBe(202);
    await settle(ref);

    const read = await w.get(taskPath(ref), { providerId: OTHER_PROVIDER });
    expect(read.status).toBe(404);
    expect(await read.json()).toMatchObject({ code: 'not_found' });
    const feedback = await w.post('/v1/tasks/feedback', { ...ref, fileUrl: 'https://evil.example/f.pdf', notes: 'x' }, { providerId: OTHER_PROVIDER });
    expect(feedback.status).toBe(404);
    const squat = await w.post('/v1/tasks', { ...ref, fileUrl: 'https://evil.example/t.pdf' }, { providerId: OTHER_PROVIDER });
    expect(squat.status).toBe(202);

    await w.dispatcher.drain();
    expect(await (await w.get(taskPath(ref), { providerId: OTHER_PROVIDER })).json()).toMatchObject({ fileUrl: 'https://evil.example/t.pdf', assignment: 'not_submitted' });
    const [dead] = await w.deps.database.db.select().from(outbox).where(and(eq(outbox.providerId, OTHER_PROVIDER), eq(outbox.kind, 'prakerja.task.submit'), eq(outbox.status, 'dead')));
    expect(dead.lastError).toContain('bukan milik');
    expect(await (await w.get(taskPath(ref))).json()).toMatchObject({ fileUrl: 'https://lpk.example/tugas/uk4.pdf', notes: null, assignment: 'success', feedback: 'not_submitted' });
  });

  it('an unknown task is 404', async () => {
    expect((await w.get('/v1/tasks/RC-SPL-0001/tpm/9')).status).toBe(404);
  });

  it.each([
    ['scope', { scope: 'xx' }],
    ['sequence', { sequence: 11 }],
    ['sequence', { sequence: 0 }],
    ['fileUrl', { fileUrl: 'not a url' }],
    ['redeemCode', { redeemCode: '' }],
  ])('bad input → 400 naming %s, nothing stored', async (field, patch) => {
    const body = { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 5, fileUrl: 'https://lpk.example/tugas/5.pdf', ...patch };
    const res = await w.post('/v1/tasks', body);
    expect(res.status).toBe(400);
    const p = await res.json();
    expect(p.code).toBe('validation_failed');
    expect(p.errors.map((e: { field: string }) => e.field)).toContain(field);
    const fb = await w.post('/v1/tasks/feedback', { ...body, notes: 'n' });
    expect(fb.status).toBe(400);
    expect((await fb.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await w.get('/v1/tasks/RC-SPL-0001/tpm/5')).status).toBe(404);
  });

  it('bad path → 400 naming the parameter', async () => {
    const scope = await w.get('/v1/tasks/RC-SPL-0001/xx/1');
    expect(scope.status).toBe(400);
    expect((await scope.json()).errors.map((e: { field: string }) => e.field)).toContain('param:scope');
    const seq = await w.get('/v1/tasks/RC-SPL-0001/tpm/11');
    expect(seq.status).toBe(400);
    expect((await seq.json()).errors.map((e: { field: string }) => e.field)).toContain('param:sequence');
  });

  it('feedback needs notes', async () => {
    const res = await w.post('/v1/tasks/feedback', { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 1, fileUrl: 'https://lpk.example/f.pdf' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain('notes');
  });

  it('an ops token cannot use the provider door', async () => {
    const ops = await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' });
    const res = await w.app.request('/v1/tasks/RC-SPL-0001/tpm/1', { headers: { authorization: `Bearer ${ops}` } });
    expect(res.status).toBe(403);
  });
});
