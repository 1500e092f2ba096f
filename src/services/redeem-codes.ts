import { AdapterError, RedeemCodeRejected, type PrakerjaCredentials, type RedeemCodeFailure, type RedeemCodeStatus } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import { claimRedeemCode, findRedeemCodeUse, findVerification, markRedeemCodeCommitted, markReturned, releaseRedeemCode, saveVerification } from '../db/redeem-code-store.js';
import { webinarWindowRefusal } from '../domain/redeem-code.js';
import { problems, ProblemError } from '../lib/problem.js';
import { platformProblem } from './platform-problems.js';

/** Each published prakerja.go.id reason as its own canonical problem. */
const REJECTIONS = {
  redeem_code_not_found: [422, 'Redeem code not found'],
  wrong_training_type: [422, 'Redeem code is for another training type'],
  other_provider: [422, 'Redeem code belongs to another training provider'],
  cancelled: [422, 'Redeem code cancelled'],
  transaction_cancelled: [422, 'Transaction cancelled'],
  already_used: [409, 'Redeem code already used'],
} as const satisfies Record<RedeemCodeFailure, readonly [number, string]>;

function prakerjaProblem(e: unknown): ProblemError {
  if (e instanceof RedeemCodeRejected) {
    const [status, title] = REJECTIONS[e.reason];
    return new ProblemError(status, `redeem_code_${e.reason.replace(/^redeem_code_/, '')}`, title, {
      detail: `prakerja.go.id: ${e.prakerjaMessage}`,
      errors: [{ field: 'redeemCode', rule: e.reason, message: e.prakerjaMessage }],
    });
  }
  if (e instanceof AdapterError) return platformProblem(e);
  throw e;
}

async function credentialsOf(deps: AppDeps, providerId: string): Promise<PrakerjaCredentials> {
  const creds = await deps.prakerjaCredentials(providerId);
  if (!creds) throw problems.prakerjaCredentialsMissing(providerId);
  return creds;
}

const usedProblem = () =>
  new ProblemError(409, 'redeem_code_already_used', 'Redeem code already used', {
    detail: 'This redeem code was already committed for this session through the gateway.',
    errors: [{ field: 'redeemCode', rule: 'already_used', message: 'already committed for this sequence' }],
  });

/** Status check, the webinar window, then one commit: a code is declared used exactly once per session. */
export async function useRedeemCode(deps: AppDeps, providerId: string, req: { redeemCode: string; sequence: number }) {
  const db = deps.database.db;
  const creds = await credentialsOf(deps, providerId);
  // Only the provider's own use answers early; another provider's is as if it did not exist, and
  // prakerja.go.id's own answer below decides (it refuses a code of another provider).
  const earlier = await findRedeemCodeUse(db, req.redeemCode, req.sequence);
  if (earlier?.providerId === providerId && earlier.status === 'committed') throw usedProblem();

  const status = await deps.prakerja.redeemCodeStatus(creds, req).catch((e) => Promise.reject(prakerjaProblem(e)));
  const window = webinarWindowRefusal(status, deps.now());
  if (window) {
    throw new ProblemError(422, 'redeem_code_outside_webinar_window', 'Outside the webinar’s redeem window', {
      detail: `A webinar's redeem code is valid from ${window.opensAt.toISOString()} to ${window.closesAt.toISOString()}.`,
      opensAt: window.opensAt.toISOString(),
      closesAt: window.closesAt.toISOString(),
      errors: [{ field: 'redeemCode', rule: 'webinar_window', message: 'valid from one hour before to one hour after the session starts' }],
    });
  }
  if (!(await claimRedeemCode(db, { ...req, providerId }))) throw usedProblem();
  try {
    await deps.prakerja.commitRedeemCode(creds, req);
  } catch (e) {
    await releaseRedeemCode(db, req.redeemCode, req.sequence);
    throw prakerjaProblem(e);
  }
  const row = await markRedeemCodeCommitted(db, req.redeemCode, req.sequence, serialise(status), deps.now());
  return redeemCodeView(status, row!.committedAt!);
}

function serialise(s: RedeemCodeStatus) {
  return JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
}

function redeemCodeView(s: RedeemCodeStatus, committedAt: Date) {
  return {
    redeemCode: s.redeemCode,
    sequence: s.sequence,
    status: 'committed' as const,
    committedAt: committedAt.toISOString(),
    course: { code: s.courseCode, type: s.courseType, typeLabel: s.courseTypeLabel, learningMethod: s.learningMethod, isOnlineAttendance: s.isOnlineAttendance },
    schedule: { code: s.scheduleCode, start: s.scheduleStart?.toISOString() ?? null, end: s.scheduleEnd?.toISOString() ?? null },
    invoiceCode: s.invoiceCode,
    platform: s.dpPlatform,
  };
}

export async function createVerificationUrl(deps: AppDeps, providerId: string, req: { redeemCode: string; sequence: number; redirectUri: string; email: string }) {
  const creds = await credentialsOf(deps, providerId);
  const v = await deps.prakerja.generateVerificationUrl(creds, req).catch((e) => Promise.reject(prakerjaProblem(e)));
  await saveVerification(deps.database.db, { state: v.state, providerId, redeemCode: req.redeemCode, sequence: req.sequence, email: req.email, url: v.url });
  return { url: v.url, state: v.state, course: v.course };
}

/** The participant came back to the provider's redirect_uri with `state`: match it to its code. */
export async function recordVerificationReturn(deps: AppDeps, providerId: string, state: string) {
  const db = deps.database.db;
  const found = await findVerification(db, state);
  if (!found || found.providerId !== providerId) throw problems.notFound('Verification state');
  const row = found.returnedAt ? found : await markReturned(db, state, deps.now());
  return { state, redeemCode: row!.redeemCode, sequence: row!.sequence, email: row!.email, returnedAt: row!.returnedAt!.toISOString() };
}
