import { z } from 'zod';
import { parseWire, send, transportError, type WireResponse } from '../shared/http.js';
import { AdapterError, RedeemCodeRejected, type AdapterContext, type PrakerjaAdapter, type PrakerjaCredentials } from '../types.js';
import { lookupFailure, normaliseMessage, PRAKERJA_PARTICIPANT_NOT_FOUND } from './errors.js';
import { verifyPrakerjaCallback } from './callbacks.js';
import { PRAKERJA_PATHS, PRAKERJA_REPORT_PAGE, prakerjaRequest } from './http.js';
import { formatWib } from './time.js';
import {
  certificateReportBody,
  completionReportBody,
  redemptionReportBody,
  taskFeedbackBody,
  taskSubmissionBody,
  toParticipant,
  toRedeemCodeStatus,
  toReportView,
  toTaskStatus,
  toVerificationUrl,
} from './transformers.js';
import {
  ParticipantData,
  PrakerjaFailureBody,
  RedeemCodeStatusData,
  ReportListData,
  ReportReceiptData,
  successEnvelope,
  TaskStatusData,
  UrlGenerateData,
  type ParticipantLookupBody,
  type RedeemCodeBody,
  type ReportListBody,
  type TaskStatusBody,
  type UrlGenerateBody,
} from './wire.js';

export interface PrakerjaConfig {
  baseUrl: string;
  /**
   * MODELLED: the key prakerja.go.id signs its callbacks to the gateway with. It is not any
   * provider's sign key: a provider must not be able to forge prakerja.go.id's word.
   */
  callbackKey: string;
}

const PLATFORM = 'prakerja';

const StatusEnvelope = successEnvelope(RedeemCodeStatusData);
// Commit's `data` is not relied on: `success: true` is the whole answer.
const CommitEnvelope = successEnvelope(z.unknown());
const UrlEnvelope = successEnvelope(UrlGenerateData);
const ParticipantEnvelope = successEnvelope(ParticipantData);
// A task submission's `data` is not published; `success: true` is the whole answer.
const AcceptedEnvelope = successEnvelope(z.unknown());
const TaskStatusEnvelope = successEnvelope(TaskStatusData);
const ReceiptEnvelope = successEnvelope(ReportReceiptData);
const ReportListEnvelope = successEnvelope(ReportListData);

/** A `success: false` answer or an HTTP failure, as RedeemCodeRejected or AdapterError. */
function failure(res: WireResponse): Error {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const body = PrakerjaFailureBody.safeParse(res.json);
  const message = body.success ? body.data.message : undefined;
  const row = message !== undefined ? lookupFailure(message) : undefined;
  if (row && 'reject' in row) return new RedeemCodeRejected(row.reject, message!);
  if (row) return new AdapterError(row.error, PLATFORM, message!, { httpStatus: res.status, platformCode: message, retryable: row.retry });
  // An auth refusal worded in a way we have not seen is still an auth refusal.
  if (res.status === 401 || res.status === 403) {
    return new AdapterError('auth_failed', PLATFORM, `${PLATFORM} refused the credentials: ${message ?? res.text.slice(0, 200)}`, { httpStatus: res.status, platformCode: message, retryable: false });
  }
  return new AdapterError('unexpected_response', PLATFORM, `${PLATFORM} answered HTTP ${res.status}${message ? ` with unmapped message "${message}"` : ''}: ${res.text.slice(0, 200)}`, {
    httpStatus: res.status,
    platformCode: message,
    retryable: false,
  });
}

function isSuccess(res: WireResponse): boolean {
  return res.status === 200 && (res.json as { success?: unknown } | undefined)?.success === true;
}

/**
 * prakerja.go.id's provider API. Credentials travel with each call because every training
 * provider signs with its own client code and key; one adapter serves them all.
 */
export function createPrakerjaAdapter(cfg: PrakerjaConfig, ctx: AdapterContext): PrakerjaAdapter {
  const now = ctx.now ?? (() => new Date());
  const post = async (creds: PrakerjaCredentials, path: string, payload: unknown) => send(ctx, PLATFORM, await prakerjaRequest(cfg.baseUrl, creds, path, payload, now()));
  const accepted = async (creds: PrakerjaCredentials, path: string, payload: unknown): Promise<void> => {
    const res = await post(creds, path, payload);
    if (!isSuccess(res)) throw failure(res);
    parseWire(PLATFORM, AcceptedEnvelope, res);
  };
  const report = async (creds: PrakerjaCredentials, path: string, payload: unknown) => {
    const res = await post(creds, path, payload);
    if (!isSuccess(res)) throw failure(res);
    return { reference: parseWire(PLATFORM, ReceiptEnvelope, res).data.reference };
  };

  return {
    async redeemCodeStatus(creds, req) {
      const body: RedeemCodeBody = { redeem_code: req.redeemCode, sequence: req.sequence };
      const res = await post(creds, PRAKERJA_PATHS.redeemCodeStatus, body);
      if (!isSuccess(res)) throw failure(res);
      return toRedeemCodeStatus(parseWire(PLATFORM, StatusEnvelope, res).data);
    },

    async commitRedeemCode(creds, req) {
      const body: RedeemCodeBody = { redeem_code: req.redeemCode, sequence: req.sequence };
      const res = await post(creds, PRAKERJA_PATHS.redeemCodeCommit, body);
      if (!isSuccess(res)) throw failure(res);
      parseWire(PLATFORM, CommitEnvelope, res);
    },

    async generateVerificationUrl(creds, req) {
      const body: UrlGenerateBody = { redeem_code: req.redeemCode, sequence: req.sequence, redirect_uri: req.redirectUri, email: req.email };
      const res = await post(creds, PRAKERJA_PATHS.urlGenerate, body);
      if (!isSuccess(res)) throw failure(res);
      return toVerificationUrl(parseWire(PLATFORM, UrlEnvelope, res).data);
    },

    async lookupParticipant(creds, cardNumber) {
      const body: ParticipantLookupBody = { card_number: cardNumber };
      const res = await post(creds, PRAKERJA_PATHS.participantLookup, body);
      if (!isSuccess(res)) {
        const refused = PrakerjaFailureBody.safeParse(res.json);
        if (refused.success && normaliseMessage(refused.data.message) === normaliseMessage(PRAKERJA_PARTICIPANT_NOT_FOUND) && !transportError(PLATFORM, res)) return null;
        throw failure(res);
      }
      return toParticipant(parseWire(PLATFORM, ParticipantEnvelope, res).data);
    },

    reportRedemption: (creds, r) => report(creds, PRAKERJA_PATHS.reportRedemption, redemptionReportBody(r)),
    reportCompletion: (creds, r) => report(creds, PRAKERJA_PATHS.reportCompletion, completionReportBody(r)),
    reportCertificate: (creds, r) => report(creds, PRAKERJA_PATHS.reportCertificate, certificateReportBody(r)),

    submitTask: (creds, t) => accepted(creds, PRAKERJA_PATHS.taskSubmission, taskSubmissionBody(t)),
    submitTaskFeedback: (creds, t) => accepted(creds, PRAKERJA_PATHS.taskFeedback, taskFeedbackBody(t)),

    async taskStatus(creds, t) {
      const body: TaskStatusBody = { redeem_code: t.redeemCode, scope: t.scope, sequence: t.sequence };
      const res = await post(creds, PRAKERJA_PATHS.taskStatus, body);
      if (!isSuccess(res)) throw failure(res);
      return toTaskStatus(parseWire(PLATFORM, TaskStatusEnvelope, res).data);
    },

    verifyCallback: verifyPrakerjaCallback(cfg.callbackKey),

    async listReports(creds, { from, to, cursor, limit }) {
      // WIB times have whole seconds: the window is widened outward so nothing in [from, to) is
      // missed; an extra enrollment near an edge is harmless to reconciliation.
      const body: ReportListBody = {
        redeemed_from: formatWib(from),
        redeemed_to: formatWib(new Date(Math.ceil(to.getTime() / 1000) * 1000)),
        limit: Math.min(PRAKERJA_REPORT_PAGE.max, Math.max(1, Math.floor(limit ?? PRAKERJA_REPORT_PAGE.default))),
        ...(cursor ? { cursor } : {}),
      };
      const res = await post(creds, PRAKERJA_PATHS.reportList, body);
      if (!isSuccess(res)) throw failure(res);
      const data = parseWire(PLATFORM, ReportListEnvelope, res).data;
      return { items: data.items.map(toReportView), nextCursor: data.next_cursor ?? undefined };
    },
  };
}
