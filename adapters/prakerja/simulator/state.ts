import type { Participant, PlatformId } from '../../../src/contract/canonical.js';
import { SimulatorState } from '../../shared/simulator-kit.js';
import type { CompletionReport, CourseType, PrakerjaRedemptionReport, TaskScope, TaskState } from '../../types.js';
import type { CertificateReport } from '../transformers.js';

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
