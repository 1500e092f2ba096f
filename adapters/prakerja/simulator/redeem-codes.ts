import type { CourseType } from '../../types.js';
import { PRAKERJA_PATHS } from '../http.js';
import { PRAKERJA_COURSE_TYPE_CODES, PRAKERJA_COURSE_TYPE_LABELS } from '../status.js';
import { formatWib, formatWibRange } from '../time.js';
import type { RedeemCodeStatusData, UrlGenerateData } from '../wire.js';
import { ok, randomHex, record, refuse, send, type PrakerjaSimContext, type Reply } from './replies.js';
import type { PrakerjaSimulatorState, SimRedeemCode } from './state.js';

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

/** The simulator's own base URL, mount prefix included (the sandbox serves it under /sandbox/prakerja). */
function simulatorBase(requestUrl: string, routePath: string): string {
  const u = new URL(requestUrl);
  return u.origin + u.pathname.slice(0, u.pathname.length - routePath.length);
}

/** The checks every redeem-code call shares, in the order prakerja.go.id reports them. */
function usable(state: PrakerjaSimulatorState, clientCode: string, body: Record<string, unknown>): { rc: SimRedeemCode } | { reply: Reply } {
  if (typeof body.redeem_code !== 'string' || !Number.isInteger(body.sequence)) return { reply: refuse('Request tidak valid') };
  const rc = state.redeemCode(body.redeem_code, body.sequence as number);
  if (!rc) return { reply: refuse('Kode redeem tidak ditemukan') };
  if (rc.clientCode !== clientCode) return { reply: refuse('Kode redeem bukan milik lembaga pelatihan yang kamu pilih') };
  if (rc.status === 'cancelled') return { reply: refuse('Kode redeem sudah dibatalkan') };
  if (rc.status === 'transaction_cancelled') return { reply: refuse('Transaksi sudah dibatalkan') };
  return { rc };
}

/** The public redeem-code API: status, commit (once), and the attendance verification URL with its landing page. */
export function mountRedeemCodes({ app, state, now }: PrakerjaSimContext): void {
  app.post(PRAKERJA_PATHS.redeemCodeStatus, async (c) => {
    const body = c.get('body');
    const reply = await record(state, c, body, () => {
      const u = usable(state, c.get('clientCode'), body);
      return 'reply' in u ? u.reply : ok(render(u.rc));
    });
    return send(c, reply);
  });

  app.post(PRAKERJA_PATHS.redeemCodeCommit, async (c) => {
    const body = c.get('body');
    const reply = await record(state, c, body, () => {
      const u = usable(state, c.get('clientCode'), body);
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
    const reply = await record(state, c, body, () => {
      if (typeof body.redirect_uri !== 'string' || !URL.canParse(body.redirect_uri) || typeof body.email !== 'string') return refuse('Request tidak valid');
      const u = usable(state, c.get('clientCode'), body);
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

  // MODELLED: where the participant's browser lands from the generated URL. The sandbox skips the
  // face check and sends the browser straight back to the provider with the same `state`.
  app.get('/verify', (c) => {
    const v = state.verifications.get(c.req.query('state') ?? '');
    if (!v) return c.text('unknown state', 404);
    const back = new URL(v.redirectUri);
    back.searchParams.set('state', c.req.query('state')!);
    return c.redirect(back.toString(), 302);
  });
}
