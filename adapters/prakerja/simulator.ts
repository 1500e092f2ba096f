import { Hono } from 'hono';
import { z } from 'zod';
import type { Participant, PlatformId } from '../../src/contract/canonical.js';
import { PLATFORM_IDS } from '../registry.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { SIM_TIMESTAMP_TOLERANCE_MS, SimulatorState, type SignedCallback } from '../shared/simulator-kit.js';
import type { CompletionReport, CourseType, PrakerjaRedemptionReport, TaskScope, TaskState } from '../types.js';
import { prakerjaCallbackBody, type KnownPrakerjaEvent } from './callbacks.js';
import { PRAKERJA_PARTICIPANT_NOT_FOUND, type PrakerjaFailureMessage } from './errors.js';
import { PRAKERJA_CALLBACK_CLIENT_CODE, PRAKERJA_CALLBACK_PATH, PRAKERJA_EVENT_ID_HEADER, PRAKERJA_PATHS, PRAKERJA_REPORT_PAGE, prakerjaSignature } from './http.js';
import { PRAKERJA_COURSE_TYPE_CODES, PRAKERJA_COURSE_TYPE_LABELS, PRAKERJA_TASK_STATE_CODES } from './status.js';
import { formatWib, formatWibRange, parseWib } from './time.js';
import { fromCertificateWire, type CertificateReport } from './transformers.js';
import {
  CertificateReportBody,
  CompletionReportBody,
  RedemptionReportBody,
  ReportListBody,
  TaskFeedbackBody,
  TaskStatusBody,
  TaskSubmissionBody,
  type ParticipantData,
  type ReportListItem,
  type RedeemCodeStatusData,
  type ReportReceiptData,
  type TaskStatusData,
  type UrlGenerateData,
} from './wire.js';

export type SimRedeemCodeStatus = 'valid' | 'used' | 'cancelled' | 'transaction_cancelled';

/** One redeem code for one session (`sequence`) of a course, owned by one provider's client code. */
export interface SimRedeemCode {
  redeemCode: string;
  sequence: number;
  /** The training provider the participant bought from; only its client code may use the code. */
  clientCode: string;
  courseCode: string;
  courseType: CourseType;
  scheduleStart?: Date;
  scheduleEnd?: Date;
  status: SimRedeemCodeStatus;
  invoiceCode: string;
  dpPlatform: string;
  scheduleCode?: string;
  learningMethod?: string;
  /** Defaults to true except for offline courses, whose attendance is taken in the room. */
  isOnlineAttendance?: boolean;
  redeemedAt?: Date;
}

export interface SimVerification {
  redeemCode: string;
  sequence: number;
  clientCode: string;
  redirectUri: string;
  email: string;
}

/** A participant as prakerja.go.id knows them; the program year decides their incentive schedule. */
export type SimParticipant = Participant & { programYear?: number };

/** One side of a practical task: the participant's assignment, or the provider's feedback on it. */
export interface SimTaskTrack {
  state: TaskState;
  fileUrl?: string;
  notes?: string;
  submittedAt?: Date;
  /** Status polls answered `pending` since the last submission. */
  polls: number;
}

export interface SimTask {
  redeemCode: string;
  scope: TaskScope;
  sequence: number;
  assignment: SimTaskTrack;
  feedback: SimTaskTrack;
}

export type SimCompletionReport = CompletionReport & { platform: PlatformId };

/** A report as applied, in canonical terms, with the reference the sandbox answered. */
export interface SimReceivedReport<T> {
  reference: string;
  receivedAt: Date;
  report: T;
  /** The provider it was reported for: the report listing shows a provider its own enrollments only. */
  clientCode?: string;
}

/** What prakerja.go.id has been told about one enrollment; the latest report of each kind wins. */
export interface SimEnrollmentReports {
  redemption?: SimReceivedReport<PrakerjaRedemptionReport>;
  completion?: SimReceivedReport<SimCompletionReport>;
  certificate?: SimReceivedReport<CertificateReport>;
}

/** One callback the sandbox tried to deliver to the gateway. */
export interface SimSentCallback {
  eventId: string;
  platformType: string;
  at: Date;
  gatewayStatus?: number;
  error?: string;
}

/**
 * The sandbox prakerja.go.id's memory. Redeem codes are keyed by code and sequence, since each
 * session of a multi-session course is redeemed on its own; calls are recorded through the
 * shared SimulatorState so tests read them the same way for every simulator.
 */
export class PrakerjaSimulatorState {
  readonly redeemCodes = new Map<string, SimRedeemCode>();
  readonly participants = new Map<string, SimParticipant>();
  readonly verifications = new Map<string, SimVerification>();
  readonly calls = new SimulatorState('prakerja');
  /** Practical tasks by (redeem code, scope, sequence). */
  readonly tasks = new Map<string, SimTask>();
  /** MODELLED reports received, by enrollment id. */
  readonly reports = new Map<string, SimEnrollmentReports>();
  readonly sentCallbacks: SimSentCallback[] = [];

  get received() {
    return this.calls.received;
  }

  addRedeemCode(rc: SimRedeemCode): void {
    this.redeemCodes.set(PrakerjaSimulatorState.key(rc.redeemCode, rc.sequence), rc);
  }

  addParticipant(p: SimParticipant): void {
    this.participants.set(p.cardNumber, p);
  }

  redeemCode(code: string, sequence: number): SimRedeemCode | undefined {
    return this.redeemCodes.get(PrakerjaSimulatorState.key(code, sequence));
  }

  /** Every session's entry for a code: tasks name the code with their own sequence (1–10 or 999). */
  redeemCodeSessions(code: string): SimRedeemCode[] {
    return [...this.redeemCodes.values()].filter((rc) => rc.redeemCode === code);
  }

  task(redeemCode: string, scope: TaskScope, sequence: number): SimTask | undefined {
    return this.tasks.get(`${redeemCode}#${scope}#${sequence}`);
  }

  taskOrNew(redeemCode: string, scope: TaskScope, sequence: number): SimTask {
    const key = `${redeemCode}#${scope}#${sequence}`;
    let t = this.tasks.get(key);
    if (!t) {
      t = { redeemCode, scope, sequence, assignment: { state: 'not_submitted', polls: 0 }, feedback: { state: 'not_submitted', polls: 0 } };
      this.tasks.set(key, t);
    }
    return t;
  }

  /** What has been applied for an enrollment; empty when nothing has. */
  reportsFor(enrollmentId: string): Readonly<SimEnrollmentReports> {
    return this.reports.get(enrollmentId) ?? {};
  }

  /** Bumped on every report, so a listing sorted for paging knows when it is stale. */
  reportsVersion = 0;

  recordReport<K extends keyof SimEnrollmentReports>(enrollmentId: string, kind: K, received: NonNullable<SimEnrollmentReports[K]>): void {
    this.reportsVersion++;
    const r = this.reports.get(enrollmentId) ?? {};
    r[kind] = received;
    this.reports.set(enrollmentId, r);
  }

  appliedCount(pathIncludes: string): number {
    return this.calls.appliedCount(pathIncludes);
  }

  private static key(code: string, sequence: number): string {
    return `${code}#${sequence}`;
  }
}

/* ----------------------------------------------------------- MODELLED report listing ------ */

const reportsOf = (r: SimEnrollmentReports) => [r.redemption, r.completion, r.certificate].filter((x) => x !== undefined);

/** Where an enrollment sits in the listing: its redemption's time, or the first report received without one. */
function listedAt(r: SimEnrollmentReports): number {
  return r.redemption?.report.redeemedAt.getTime() ?? Math.min(...reportsOf(r).map((x) => x.receivedAt.getTime()));
}

/** `<time>:<enrollment id>` of the last item served; opaque to the gateway. */
function decodeListCursor(cursor: string): { t: number; id: string } | undefined {
  const m = /^(\d{1,15}):(.+)$/.exec(cursor);
  return m ? { t: Number(m[1]), id: m[2] } : undefined;
}

function renderReports(id: string, r: SimEnrollmentReports): ReportListItem {
  const about = r.redemption?.report ?? r.completion?.report ?? r.certificate!.report;
  const received = (x: { reference: string; receivedAt: Date }) => ({ reference: x.reference, received_at: formatWib(x.receivedAt) });
  return {
    enrollment_id: id,
    voucher_code: about.voucherCode,
    platform: about.platform,
    redemption: r.redemption ? received(r.redemption) : null,
    completion: r.completion ? { ...received(r.completion), outcome: r.completion.report.outcome } : null,
    certificate: r.certificate ? received(r.certificate) : null,
  };
}

/** MODELLED integer codes for `status` and `attendance_status`; prakerja.go.id does not publish its values. */
const STATUS_CODE = { valid: 1, used: 2 } as const;
const DEFAULT_LEARNING_METHOD = { webinar: 'online', spl: 'online', offline: 'offline' } as const satisfies Record<CourseType, string>;

const isOnline = (rc: SimRedeemCode) => rc.isOnlineAttendance ?? rc.courseType !== 'offline';

function render(rc: SimRedeemCode): RedeemCodeStatusData {
  return {
    redeem_code: rc.redeemCode,
    course_code: rc.courseCode,
    invoice_code: rc.invoiceCode,
    schedule_code: rc.scheduleCode ?? '',
    status: rc.status === 'used' ? STATUS_CODE.used : STATUS_CODE.valid,
    attendance_status: rc.status === 'used' ? 1 : 0,
    redeem_at: rc.redeemedAt ? formatWib(rc.redeemedAt) : null,
    dp_platform: rc.dpPlatform,
    schedule_start_end: rc.scheduleStart && rc.scheduleEnd ? formatWibRange(rc.scheduleStart, rc.scheduleEnd) : null,
    course_type: PRAKERJA_COURSE_TYPE_CODES[rc.courseType],
    course_type_label: PRAKERJA_COURSE_TYPE_LABELS[rc.courseType],
    course_learning_method: rc.learningMethod ?? DEFAULT_LEARNING_METHOD[rc.courseType],
    is_online_attendance: isOnline(rc),
    sequence: rc.sequence,
  };
}

type Reply = { status: number; body: unknown };
const ok = (data: unknown): Reply => ({ status: 200, body: { success: true, message: 'Sukses', data } });
// Business refusals use 400 in the sandbox; the adapter decides on `success` and `message`, not on the status.
const refuse = (message: PrakerjaFailureMessage | typeof PRAKERJA_PARTICIPANT_NOT_FOUND, status = 400): Reply => ({ status, body: { success: false, message, data: null } });

/** The simulator's own base URL, mount prefix included (the sandbox serves it under /sandbox/prakerja). */
function simulatorBase(requestUrl: string, routePath: string): string {
  const u = new URL(requestUrl);
  return u.origin + u.pathname.slice(0, u.pathname.length - routePath.length);
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Program rules (prakerja.go.id FAQ and press): the training incentive is paid monthly for the
 * first training, once its certificate exists and the participant has reviewed it.
 */
export const PRAKERJA_PROGRAM_RULES = [
  { years: [2020, 2022], training: { amount: 600_000, months: 4 }, survey: { amount: 50_000, count: 3 } },
  { years: [2023, 2024], training: { amount: 600_000, months: 1 }, survey: { amount: 50_000, count: 2 } },
] as const;

/** Later cohorts' rules are not modelled; they get the latest known ones rather than none. */
export function programRules(year: number): (typeof PRAKERJA_PROGRAM_RULES)[number] {
  return PRAKERJA_PROGRAM_RULES.find((r) => year >= r.years[0] && year <= r.years[1]) ?? PRAKERJA_PROGRAM_RULES[year < 2020 ? 0 : PRAKERJA_PROGRAM_RULES.length - 1];
}

export const DEFAULT_PROGRAM_YEAR = 2024;

/**
 * What the sandbox can tell the gateway: the canonical events, plus `raw` for an event word the
 * gateway does not know, to prove it is acknowledged rather than refused.
 */
export type PrakerjaSimCallbackEvent = KnownPrakerjaEvent | { kind: 'raw'; platformType: string; payload: Record<string, unknown> };

export type PrakerjaCallbackSigner = (event: PrakerjaSimCallbackEvent, opts?: { eventId?: string; at?: Date }) => Promise<SignedCallback>;

export interface PrakerjaSimulatorOptions {
  /** client_code → sign key, one pair per training provider. */
  clients: Record<string, string>;
  now?: () => Date;
  state?: PrakerjaSimulatorState;
  /** Signs callbacks to the gateway (the gateway's PrakerjaConfig.callbackKey). Without it no callback can be made. */
  callbackKey?: string;
  /** Where callbacks are delivered; its path is the one signed. Without it they are only built and returned. */
  callback?: { url: string; fetch: (r: Request) => Promise<Response> };
  /** Status polls that still answer `pending` after a task or feedback is submitted; the next one settles it. Default 2. */
  taskSettlePolls?: number;
  /** After a certificate report, emit `completion.accepted` and the first `incentive.scheduled` to `callback`, as prakerja.go.id would. */
  autoCallbacks?: boolean;
  /** Where failed fire-and-forget deliveries are told. Default console.error. */
  log?: (message: string, detail: Record<string, unknown>) => void;
}

const IsoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** `/_sandbox/emit`'s body: a PrakerjaSimCallbackEvent with ISO-8601 dates. */
export const SimCallbackEventInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('completion.accepted'), enrollmentId: z.string().min(1), voucherCode: z.string().min(1), at: IsoDate }),
  z.object({ kind: z.literal('completion.rejected'), enrollmentId: z.string().min(1), voucherCode: z.string().min(1), reason: z.string().min(1), at: IsoDate }),
  z.object({
    kind: z.literal('review.submitted'),
    voucherCode: z.string().min(1),
    platform: z.enum(PLATFORM_IDS),
    rating: z.number().int().min(1).max(5),
    review: z.string(),
    reviewedAt: IsoDate,
  }),
  z.object({
    kind: z.enum(['incentive.scheduled', 'incentive.disbursed', 'incentive.failed']),
    cardNumber: z.string().min(1),
    incentive: z.enum(['training', 'survey']),
    sequence: z.number().int().min(1),
    amount: z.number().int().nonnegative(),
    at: IsoDate,
    reason: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('raw'), platformType: z.string().min(1), payload: z.record(z.string(), z.unknown()) }),
]);

/** Sandbox prakerja.go.id implementing openapi/partners/prakerja.yaml. */
export function createPrakerjaSimulator(opts: PrakerjaSimulatorOptions) {
  const now = opts.now ?? (() => new Date());
  const state = opts.state ?? new PrakerjaSimulatorState();
  const settlePolls = opts.taskSettlePolls ?? 2;
  const log = opts.log ?? ((message, detail) => console.error(message, detail));
  const app = new Hono<{ Variables: { clientCode: string; body: Record<string, unknown> } }>();

  const send = (c: { json: (b: object, s: 200) => Response }, r: Reply) => c.json(r.body as object, r.status as 200);

  /* ------------------------------------------------------------------ callbacks out --------- */

  const callback: PrakerjaCallbackSigner = async (event, o = {}) => {
    if (opts.callbackKey === undefined) throw new Error('prakerja simulator: callbackKey is not configured, so callbacks cannot be signed');
    const { event: word, data } = event.kind === 'raw' ? { event: event.platformType, data: event.payload } : prakerjaCallbackBody(event);
    const body = JSON.stringify({ event: word, data });
    const eventId = o.eventId ?? `evt_${randomHex(12)}`;
    const timestamp = String(Math.floor((o.at ?? now()).getTime() / 1000));
    const path = opts.callback ? new URL(opts.callback.url).pathname : PRAKERJA_CALLBACK_PATH;
    return {
      eventId,
      headers: {
        'content-type': 'application/json',
        client_code: PRAKERJA_CALLBACK_CLIENT_CODE,
        timestamp,
        signature: await prakerjaSignature(opts.callbackKey, PRAKERJA_CALLBACK_CLIENT_CODE, timestamp, path, body),
        [PRAKERJA_EVENT_ID_HEADER]: eventId,
      },
      body,
    };
  };

  /** Signs and POSTs one callback. A failed delivery is an outcome, kept in state.sentCallbacks, not an exception. */
  async function deliver(target: NonNullable<PrakerjaSimulatorOptions['callback']>, event: PrakerjaSimCallbackEvent, o?: { eventId?: string; at?: Date }): Promise<SimSentCallback> {
    const signed = await callback(event, o);
    const sent: SimSentCallback = { eventId: signed.eventId, platformType: event.kind === 'raw' ? event.platformType : event.kind, at: now() };
    state.sentCallbacks.push(sent);
    try {
      const res = await target.fetch(new Request(target.url, { method: 'POST', headers: signed.headers, body: signed.body }));
      sent.gatewayStatus = res.status;
      await res.body?.cancel();
    } catch (e) {
      sent.error = (e as Error).message;
    }
    return sent;
  }

  /**
   * What prakerja.go.id does once a certificate is in: it accepts the completion and schedules
   * the first training-incentive month. Fire-and-forget, as the real one is asynchronous; the
   * sandbox does not retry, it records and logs.
   */
  function afterCertificate(report: CertificateReport): Promise<void> | undefined {
    const target = opts.callback;
    if (!opts.autoCallbacks || !target) return undefined;
    const year = state.participants.get(report.cardNumber)?.programYear ?? DEFAULT_PROGRAM_YEAR;
    const rules = programRules(year);
    const run = async () => {
      const events: PrakerjaSimCallbackEvent[] = [
        { kind: 'completion.accepted', enrollmentId: report.enrollmentId, voucherCode: report.voucherCode, at: now() },
        { kind: 'incentive.scheduled', cardNumber: report.cardNumber, incentive: 'training', sequence: 1, amount: rules.training.amount, at: now() },
      ];
      for (const event of events) {
        const sent = await deliver(target, event);
        if (sent.error !== undefined || (sent.gatewayStatus ?? 0) >= 300) log('prakerja simulator: callback not accepted by the gateway', { ...sent });
      }
    };
    // Deferred to a later task so the report is answered first, as prakerja.go.id processes it asynchronously.
    return new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(run)
      .catch((e: unknown) => log('prakerja simulator: automatic callbacks failed', { error: (e as Error).message }));
  }

  /** On Workers the isolate may stop once the response is sent; waitUntil keeps a background delivery alive. */
  function background(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, p: Promise<void> | undefined) {
    if (!p) return;
    try {
      c.executionCtx.waitUntil(p);
    } catch {
      // Node has no execution context; the promise simply runs on.
    }
  }

  /* ------------------------------------------------------------------ signed API ------------- */

  app.use('/api/*', async (c, next) => {
    const clientCode = c.req.header('client_code') ?? '';
    const timestamp = c.req.header('timestamp') ?? '';
    const signature = c.req.header('signature') ?? '';
    const raw = await c.req.raw.clone().text();
    const key = Object.hasOwn(opts.clients, clientCode) ? opts.clients[clientCode] : undefined;
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

  /** The checks every redeem-code call shares, in the order prakerja.go.id reports them. */
  function usable(clientCode: string, body: Record<string, unknown>): { rc: SimRedeemCode } | { reply: Reply } {
    if (typeof body.redeem_code !== 'string' || !Number.isInteger(body.sequence)) return { reply: refuse('Request tidak valid') };
    const rc = state.redeemCode(body.redeem_code, body.sequence as number);
    if (!rc) return { reply: refuse('Kode redeem tidak ditemukan') };
    if (rc.clientCode !== clientCode) return { reply: refuse('Kode redeem bukan milik lembaga pelatihan yang kamu pilih') };
    if (rc.status === 'cancelled') return { reply: refuse('Kode redeem sudah dibatalkan') };
    if (rc.status === 'transaction_cancelled') return { reply: refuse('Transaksi sudah dibatalkan') };
    return { rc };
  }

  const record = (c: { req: { path: string } }, body: unknown, apply: () => Reply) => state.calls.once({ method: 'POST', path: c.req.path, body }, apply);

  app.post(PRAKERJA_PATHS.redeemCodeStatus, async (c) => {
    const body = c.get('body');
    const reply = await record(c, body, () => {
      const u = usable(c.get('clientCode'), body);
      return 'reply' in u ? u.reply : ok(render(u.rc));
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.redeemCodeCommit, async (c) => {
    const body = c.get('body');
    const reply = await record(c, body, () => {
      const u = usable(c.get('clientCode'), body);
      if ('reply' in u) return u.reply;
      if (u.rc.status === 'used') return refuse('Kode redeem sudah digunakan');
      u.rc.status = 'used';
      u.rc.redeemedAt = now();
      return ok(render(u.rc));
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.urlGenerate, async (c) => {
    const body = c.get('body');
    const reply = await record(c, body, () => {
      if (typeof body.redirect_uri !== 'string' || !URL.canParse(body.redirect_uri) || typeof body.email !== 'string') return refuse('Request tidak valid');
      const u = usable(c.get('clientCode'), body);
      if ('reply' in u) return u.reply;
      // MODELLED: the OAuth verification is online attendance; an offline course has none to verify.
      if (!isOnline(u.rc)) return refuse('Tipe pelatihan tidak sesuai');
      const verification = randomHex(16);
      state.verifications.set(verification, {
        redeemCode: u.rc.redeemCode,
        sequence: u.rc.sequence,
        clientCode: u.rc.clientCode,
        redirectUri: body.redirect_uri,
        email: body.email,
      });
      const data: UrlGenerateData = {
        url: `${simulatorBase(c.req.url, PRAKERJA_PATHS.urlGenerate)}/verify?state=${verification}`,
        state: verification,
        course: { type: PRAKERJA_COURSE_TYPE_LABELS[u.rc.courseType], learning_method: u.rc.learningMethod ?? DEFAULT_LEARNING_METHOD[u.rc.courseType] },
      };
      return ok(data);
    });
    return send(c, reply);
  });

  // MODELLED endpoint: prakerja.go.id publishes no participant lookup for providers.
  app.post(PRAKERJA_PATHS.participantLookup, async (c) => {
    const body = c.get('body');
    const reply = await record(c, body, () => {
      if (typeof body.card_number !== 'string') return refuse('Request tidak valid');
      const p = state.participants.get(body.card_number);
      if (!p) return refuse(PRAKERJA_PARTICIPANT_NOT_FOUND, 404);
      const data: ParticipantData = { card_number: p.cardNumber, name: p.name, status: p.status };
      return ok(data);
    });
    return send(c, reply);
  });

  // MODELLED: where the participant's browser lands from the generated URL. The sandbox skips the
  // face check and sends the browser straight back to the provider with the same `state`.
  app.get('/verify', (c) => {
    const v = state.verifications.get(c.req.query('state') ?? '');
    if (!v) return c.text('unknown state', 404);
    const back = new URL(v.redirectUri);
    back.searchParams.set('state', c.req.query('state')!);
    return c.redirect(back.toString(), 302);
  });


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
    const reply = await record(c, body, () => uploadTask(c.get('clientCode'), TaskSubmissionBody.safeParse(body), (task, b) => submit(task.assignment, b.url_file)));
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.taskFeedback, async (c) => {
    const body = c.get('body');
    const reply = await record(c, body, () => uploadTask(c.get('clientCode'), TaskFeedbackBody.safeParse(body), (task, b) => submit(task.feedback, b.url_file, b.notes)));
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.taskStatus, async (c) => {
    const body = c.get('body');
    const reply = await record(c, body, () => {
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

  /* ----------------------------------------------- MODELLED reports, once per idempotency key -- */

  const receipt = (): ReportReceiptData => ({ reference: `PRJ-${randomHex(8).toUpperCase()}` });
  const wib = (s: string) => parseWib(s)!;

  /** Applies a report once per `idempotency_key`; a replay is recorded as not applied and gets the first reference back. */
  function applyOnce<T>(
    c: { req: { path: string } },
    body: Record<string, unknown>,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
    apply: (b: T) => Reply,
  ) {
    const key = typeof body.idempotency_key === 'string' && body.idempotency_key ? body.idempotency_key : undefined;
    return state.calls.once({ method: 'POST', path: c.req.path, idempotencyKey: key, body }, () => {
      const b = schema.safeParse(body);
      return b.success ? apply(b.data) : refuse('Request tidak valid');
    });
  }

  app.post(PRAKERJA_PATHS.reportRedemption, async (c) => {
    const reply = await applyOnce(c, c.get('body'), RedemptionReportBody, (b) => {
      const r = receipt();
      state.recordReport(b.enrollment_id, 'redemption', {
        ...r,
        receivedAt: now(),
        clientCode: c.get('clientCode'),
        report: {
          enrollmentId: b.enrollment_id,
          voucherCode: b.voucher_code,
          cardNumber: b.card_number,
          platform: b.platform,
          courseId: b.course_id,
          redeemedAt: wib(b.redeemed_at),
          idempotencyKey: b.idempotency_key,
        },
      });
      return ok(r);
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.reportCompletion, async (c) => {
    const reply = await applyOnce(c, c.get('body'), CompletionReportBody, (b) => {
      const r = receipt();
      state.recordReport(b.enrollment_id, 'completion', {
        ...r,
        receivedAt: now(),
        clientCode: c.get('clientCode'),
        report: {
          enrollmentId: b.enrollment_id,
          voucherCode: b.voucher_code,
          cardNumber: b.card_number,
          participantName: b.participant_name,
          platform: b.platform,
          courseId: b.course_id,
          outcome: b.outcome,
          score: b.score,
          completedAt: wib(b.completed_at),
          ...(b.certificate ? { certificate: fromCertificateWire(b.certificate) } : {}),
          idempotencyKey: b.idempotency_key,
        },
      });
      return ok(r);
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.reportCertificate, async (c) => {
    let applied: CertificateReport | undefined;
    const reply = await applyOnce(c, c.get('body'), CertificateReportBody, (b) => {
      // MODELLED: a certificate certifies a completion prakerja.go.id must already have.
      if (!state.reportsFor(b.enrollment_id).completion) return refuse('Laporan penyelesaian belum diterima');
      const r = receipt();
      applied = {
        enrollmentId: b.enrollment_id,
        voucherCode: b.voucher_code,
        cardNumber: b.card_number,
        platform: b.platform,
        certificate: fromCertificateWire(b.certificate),
        reviewedAt: wib(b.reviewed_at),
        idempotencyKey: b.idempotency_key,
      };
      state.recordReport(b.enrollment_id, 'certificate', { ...r, receivedAt: now(), report: applied, clientCode: c.get('clientCode') });
      return ok(r);
    });
    // Only a first delivery triggers prakerja.go.id's follow-up; a replay changes nothing.
    if (applied) background(c, afterCertificate(applied));
    return send(c, reply);
  });

  /**
   * The sorted listing of the last query, reused while a client pages through it (a
   * reconciliation asks for a hundred pages of one window); any new or removed report makes it stale.
   */
  let sorted: { key: string; rows: Array<{ t: number; id: string; r: SimEnrollmentReports }> } | undefined;
  function listing(clientCode: string, from: number, to: number) {
    const key = `${clientCode}|${from}|${to}|${state.reportsVersion}|${state.reports.size}`;
    if (sorted?.key === key) return sorted.rows;
    const rows: Array<{ t: number; id: string; r: SimEnrollmentReports }> = [];
    for (const [id, r] of state.reports) {
      const t = listedAt(r);
      if (t >= from && t < to && reportsOf(r).some((x) => x.clientCode === clientCode)) rows.push({ t, id, r });
    }
    rows.sort((a, z) => a.t - z.t || (a.id < z.id ? -1 : a.id > z.id ? 1 : 0));
    sorted = { key, rows };
    return rows;
  }

  // A read, paged through by reconciliation thousands of times: not kept in state.calls.
  app.post(PRAKERJA_PATHS.reportList, (c) => {
    const b = ReportListBody.safeParse(c.get('body'));
    if (!b.success) return send(c, refuse('Request tidak valid'));
    const position = b.data.cursor === undefined ? undefined : decodeListCursor(b.data.cursor);
    if (b.data.cursor !== undefined && !position) return send(c, refuse('Request tidak valid'));
    const rows = listing(c.get('clientCode'), wib(b.data.redeemed_from).getTime(), wib(b.data.redeemed_to).getTime());
    // First row after the cursor, by binary search over the (time, id) order.
    let lo = 0;
    if (position) {
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = rows[mid];
        if (m.t < position.t || (m.t === position.t && m.id <= position.id)) lo = mid + 1;
        else hi = mid;
      }
    }
    const page = rows.slice(lo, lo + (b.data.limit ?? PRAKERJA_REPORT_PAGE.default));
    const last = page[page.length - 1];
    return send(c, ok({ items: page.map(({ id, r }) => renderReports(id, r)), next_cursor: lo + page.length < rows.length ? `${last.t}:${last.id}` : null }));
  });

  /* ------------------------------------------------------------------ sandbox only ----------- */

  // No signature: this is the sandbox operator's button, not part of prakerja.go.id.
  app.post('/_sandbox/emit', async (c) => {
    if (opts.callbackKey === undefined) return c.json({ error: 'callbackKey is not configured' }, 409);
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return c.json({ error: 'body is not JSON' }, 400);
    }
    const parsed = SimCallbackEventInput.safeParse(json);
    if (!parsed.success) return c.json({ error: 'not a callback event', issues: parsed.error.issues }, 400);
    const eventId = c.req.query('eventId') || undefined;
    const atQuery = c.req.query('at');
    const at = atQuery ? IsoDate.safeParse(atQuery) : undefined;
    if (at && !at.success) return c.json({ error: 'at must be an ISO-8601 date-time' }, 400);
    const o = { eventId, at: at?.data };
    const event: PrakerjaSimCallbackEvent = parsed.data;
    if (!opts.callback) {
      const signed = await callback(event, o);
      return c.json({ eventId: signed.eventId, headers: signed.headers, body: signed.body });
    }
    const sent = await deliver(opts.callback, event, o);
    if (sent.error !== undefined) return c.json({ eventId: sent.eventId, error: sent.error }, 502);
    return c.json({ eventId: sent.eventId, gatewayStatus: sent.gatewayStatus });
  });

  return { app, state, callback };
}
