import { z } from 'zod';
import { INCENTIVE_RULES, ruleFor } from '../../../src/domain/incentives.js';
import { PLATFORM_IDS } from '../../registry.js';
import type { SignedCallback } from '../../shared/simulator-kit.js';
import { prakerjaCallbackBody, type KnownPrakerjaEvent } from '../callbacks.js';
import { PRAKERJA_CALLBACK_CLIENT_CODE, PRAKERJA_CALLBACK_PATH, PRAKERJA_EVENT_ID_HEADER, prakerjaSignature } from '../http.js';
import type { CertificateReport } from '../transformers.js';
import { randomHex, type PrakerjaSimContext } from './replies.js';
import type { SimSentCallback } from './state.js';

/**
 * What the sandbox can tell the gateway: the canonical events, plus `raw` for an event word the
 * gateway does not know, to prove it is acknowledged rather than refused.
 */
export type PrakerjaSimCallbackEvent = KnownPrakerjaEvent | { kind: 'raw'; platformType: string; payload: Record<string, unknown> };

export type PrakerjaCallbackSigner = (event: PrakerjaSimCallbackEvent, opts?: { eventId?: string; at?: Date }) => Promise<SignedCallback>;

export interface CallbackOptions {
  /** Signs callbacks to the gateway (the gateway's PrakerjaConfig.callbackKey). Without it no callback can be made. */
  callbackKey?: string;
  /** Where callbacks are delivered; its path is the one signed. Without it they are only built and returned. */
  callback?: { url: string; fetch: (r: Request) => Promise<Response> };
  /** After a certificate report, emit `completion.accepted` and the first `incentive.scheduled` to `callback`, as prakerja.go.id would. */
  autoCallbacks?: boolean;
  /** Where failed fire-and-forget deliveries are told. */
  log: (message: string, detail: Record<string, unknown>) => void;
}

/** A participant with no program year on file is taken as of this year's cohort. */
export const DEFAULT_PROGRAM_YEAR = 2024;

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

/**
 * prakerja.go.id's callbacks to the gateway: signed with the callback key, delivered (a failed
 * delivery is an outcome kept in state.sentCallbacks, not an exception), sent on its own after a
 * certificate, and from the sandbox operator's `/_sandbox/emit` door.
 */
export function prakerjaCallbacks({ app, state, now }: PrakerjaSimContext, opts: CallbackOptions) {
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

  async function deliver(target: NonNullable<CallbackOptions['callback']>, event: PrakerjaSimCallbackEvent, o?: { eventId?: string; at?: Date }): Promise<SimSentCallback> {
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
   * the first training-incentive payment, of the amount the participant's program year pays
   * (src/domain/incentives.ts, the gateway's own rules). Fire-and-forget, as the real one is
   * asynchronous; the sandbox does not retry, it records and logs.
   */
  function afterCertificate(report: CertificateReport): Promise<void> | undefined {
    const target = opts.callback;
    if (!opts.autoCallbacks || !target) return undefined;
    const year = state.participants.get(report.cardNumber)?.programYear ?? DEFAULT_PROGRAM_YEAR;
    // Before the first published year, the first rules.
    const rules = ruleFor(year) ?? INCENTIVE_RULES[0];
    const run = async () => {
      const events: PrakerjaSimCallbackEvent[] = [
        { kind: 'completion.accepted', enrollmentId: report.enrollmentId, voucherCode: report.voucherCode, at: now() },
        { kind: 'incentive.scheduled', cardNumber: report.cardNumber, incentive: 'training', sequence: 1, amount: rules.training.amount, at: now() },
      ];
      for (const event of events) {
        const sent = await deliver(target, event);
        if (sent.error !== undefined || (sent.gatewayStatus ?? 0) >= 300) opts.log('prakerja simulator: callback not accepted by the gateway', { ...sent });
      }
    };
    // Deferred to a later task so the report is answered first, as prakerja.go.id processes it asynchronously.
    return new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(run)
      .catch((e: unknown) => opts.log('prakerja simulator: automatic callbacks failed', { error: (e as Error).message }));
  }

  /** On Workers the isolate may stop once the response is sent; waitUntil keeps a background delivery alive. */
  function onCertificate(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, report: CertificateReport): void {
    const p = afterCertificate(report);
    if (!p) return;
    try {
      c.executionCtx.waitUntil(p);
    } catch {
      // Node has no execution context; the promise simply runs on.
    }
  }

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

  return { callback, onCertificate };
}
