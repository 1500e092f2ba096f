import { PRAKERJA_PATHS } from '../http.js';
import { PRAKERJA_TASK_STATE_CODES } from '../status.js';
import { TaskFeedbackBody, TaskStatusBody, TaskSubmissionBody, type TaskStatusData } from '../wire.js';
import { ok, record, refuse, send, type PrakerjaSimContext, type Reply } from './replies.js';
import type { SimTask, SimTaskTrack } from './state.js';

/**
 * Practical tasks (public API): the participant's assignment and the provider's feedback, each
 * `pending` for `settlePolls` status polls after a submission, then settled (a file URL saying
 * "fail" fails, for tests).
 */
export function mountTasks({ app, state, now }: PrakerjaSimContext, settlePolls: number): void {
  /** A task names its redeem code but its own sequence (1–10 or 999), so any session of the code will do. */
  function usableForTask(clientCode: string, code: string): Reply | undefined {
    const sessions = state.redeemCodeSessions(code);
    if (sessions.length === 0) return refuse('Kode redeem tidak ditemukan');
    if (!sessions.some((rc) => rc.clientCode === clientCode)) return refuse('Kode redeem bukan milik lembaga pelatihan yang kamu pilih');
    return undefined;
  }

  // MODELLED: a resubmission replaces the file and starts review again; prakerja.go.id does not say.
  const submit = (track: SimTaskTrack, fileUrl: string, notes?: string) => {
    Object.assign(track, { state: 'pending', fileUrl, notes, submittedAt: now(), polls: 0 } satisfies SimTaskTrack);
  };

  const settle = (track: SimTaskTrack) => {
    if (track.state !== 'pending') return;
    if (track.polls < settlePolls) track.polls++;
    else track.state = /fail/i.test(track.fileUrl ?? '') ? 'failed' : 'success';
  };

  /** The participant's assignment and the provider's feedback on it take the same checks; each fills its own side of the task. */
  function uploadTask<T extends TaskSubmissionBody>(clientCode: string, b: { success: true; data: T } | { success: false }, fill: (task: SimTask, b: T) => void): Reply {
    if (!b.success) return refuse('Request tidak valid');
    const refused = usableForTask(clientCode, b.data.redeem_code);
    if (refused) return refused;
    fill(state.taskOrNew(b.data.redeem_code, b.data.scope, b.data.sequence), b.data);
    return ok(null);
  }

  app.post(PRAKERJA_PATHS.taskSubmission, async (c) => {
    const body = c.get('body');
    const reply = await record(state, c, body, () => uploadTask(c.get('clientCode'), TaskSubmissionBody.safeParse(body), (task, b) => submit(task.assignment, b.url_file)));
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.taskFeedback, async (c) => {
    const body = c.get('body');
    const reply = await record(state, c, body, () => uploadTask(c.get('clientCode'), TaskFeedbackBody.safeParse(body), (task, b) => submit(task.feedback, b.url_file, b.notes)));
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.taskStatus, async (c) => {
    const body = c.get('body');
    const reply = await record(state, c, body, () => {
      const b = TaskStatusBody.safeParse(body);
      if (!b.success) return refuse('Request tidak valid');
      const refused = usableForTask(c.get('clientCode'), b.data.redeem_code);
      if (refused) return refused;
      const task = state.task(b.data.redeem_code, b.data.scope, b.data.sequence);
      if (task) {
        settle(task.assignment);
        settle(task.feedback);
      }
      const data: TaskStatusData = {
        assignment: { status: PRAKERJA_TASK_STATE_CODES[task?.assignment.state ?? 'not_submitted'] },
        feedback: { status: PRAKERJA_TASK_STATE_CODES[task?.feedback.state ?? 'not_submitted'] },
      };
      return ok(data);
    });
    return send(c, reply);
  });
}
