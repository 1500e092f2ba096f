import { Hono } from 'hono';
import type { Participant } from '../../src/domain/types.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { SIM_TIMESTAMP_TOLERANCE_MS, SimulatorState } from '../shared/simulator-kit.js';
import type { CourseType } from '../types.js';
import { PRAKERJA_PARTICIPANT_NOT_FOUND, type PrakerjaFailureMessage } from './errors.js';
import { PRAKERJA_PATHS, prakerjaSignature } from './http.js';
import { PRAKERJA_COURSE_TYPE_CODES, PRAKERJA_COURSE_TYPE_LABELS } from './status.js';
import { formatWib, formatWibRange } from './time.js';
import type { ParticipantData, RedeemCodeStatusData, UrlGenerateData } from './wire.js';

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

/**
 * The sandbox prakerja.go.id's memory. Redeem codes are keyed by code and sequence, since each
 * session of a multi-session course is redeemed on its own; calls are recorded through the
 * shared SimulatorState so tests read them the same way for every simulator.
 */
export class PrakerjaSimulatorState {
  readonly redeemCodes = new Map<string, SimRedeemCode>();
  readonly participants = new Map<string, Participant>();
  readonly verifications = new Map<string, SimVerification>();
  readonly calls = new SimulatorState('prakerja');

  get received() {
    return this.calls.received;
  }

  addRedeemCode(rc: SimRedeemCode): void {
    this.redeemCodes.set(PrakerjaSimulatorState.key(rc.redeemCode, rc.sequence), rc);
  }

  addParticipant(p: Participant): void {
    this.participants.set(p.cardNumber, p);
  }

  redeemCode(code: string, sequence: number): SimRedeemCode | undefined {
    return this.redeemCodes.get(PrakerjaSimulatorState.key(code, sequence));
  }

  appliedCount(pathIncludes: string): number {
    return this.calls.appliedCount(pathIncludes);
  }

  private static key(code: string, sequence: number): string {
    return `${code}#${sequence}`;
  }
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

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface PrakerjaSimulatorOptions {
  /** client_code → sign key, one pair per training provider. */
  clients: Record<string, string>;
  now?: () => Date;
  state?: PrakerjaSimulatorState;
}

/** Sandbox prakerja.go.id implementing openapi/partners/prakerja.yaml. */
export function createPrakerjaSimulator(opts: PrakerjaSimulatorOptions) {
  const now = opts.now ?? (() => new Date());
  const state = opts.state ?? new PrakerjaSimulatorState();
  const app = new Hono<{ Variables: { clientCode: string; body: Record<string, unknown> } }>();

  const send = (c: { json: (b: object, s: 200) => Response }, r: Reply) => c.json(r.body as object, r.status as 200);

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
      const verification = randomState();
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

  return { app, state };
}
