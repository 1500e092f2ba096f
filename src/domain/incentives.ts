/**
 * Kartu Prakerja incentive rules as data, per program year (prakerja.go.id FAQ and press).
 * The incentive is paid for the first training only, once its certificate exists and the
 * participant has rated and reviewed it.
 */
export interface IncentiveRule {
  years: readonly number[];
  /** Training balance on the card. */
  balance: number;
  training: { amount: number; payments: number };
  survey: { amount: number; count: number };
  /** The first purchase must happen within this many days of the announcement, or the card is revoked. */
  firstPurchaseWithinDays: number;
}

export const INCENTIVE_RULES: readonly IncentiveRule[] = [
  { years: [2020, 2021, 2022], balance: 1_000_000, training: { amount: 600_000, payments: 4 }, survey: { amount: 50_000, count: 3 }, firstPurchaseWithinDays: 30 },
  { years: [2023, 2024], balance: 3_500_000, training: { amount: 600_000, payments: 1 }, survey: { amount: 50_000, count: 2 }, firstPurchaseWithinDays: 15 },
];

/**
 * The rules of a program year. A year after the last published one keeps the latest rules until
 * new ones are published (the 2023–2024 scheme), rather than leaving operators without an answer.
 */
export function ruleFor(year: number): IncentiveRule | undefined {
  const exact = INCENTIVE_RULES.find((r) => r.years.includes(year));
  if (exact) return exact;
  const latest = INCENTIVE_RULES[INCENTIVE_RULES.length - 1];
  return year > Math.max(...latest.years) ? latest : undefined;
}

export type IncentiveKind = 'training' | 'survey';

export interface Payment {
  incentive: IncentiveKind;
  sequence: number;
  amount: number;
  status: 'scheduled' | 'disbursed' | 'failed';
  at: Date;
  reason?: string | null;
}

export interface TrainingForIncentive {
  enrollmentId: string;
  redeemedAt: Date;
  /** Empty when the certificate has reached prakerja.go.id. */
  blockers: string[];
  reported: boolean;
}

export interface IncentiveLine {
  incentive: IncentiveKind;
  sequence: number;
  amount: number;
  status: 'paid' | 'scheduled' | 'failed' | 'not_yet_due' | 'blocked';
  at?: string;
  why: string;
}

export interface IncentiveStatement {
  programYear: number;
  rule: IncentiveRule | null;
  firstTrainingEnrollmentId: string | null;
  lines: IncentiveLine[];
  totals: { expected: number; paid: number; pending: number };
  nextAction: string;
}

const rupiah = (n: number) => `Rp${n.toLocaleString('id-ID')}`;

/**
 * What should have been paid to a participant, what was, what is pending, and why — from the
 * rules of their program year, their trainings and the payments prakerja.go.id reported.
 */
export function incentiveStatement(programYear: number, trainings: TrainingForIncentive[], payments: Payment[]): IncentiveStatement {
  const rule = ruleFor(programYear) ?? null;
  const first = [...trainings].sort((a, b) => a.redeemedAt.getTime() - b.redeemedAt.getTime())[0];
  if (!rule) return { programYear, rule, firstTrainingEnrollmentId: first?.enrollmentId ?? null, lines: [], totals: { expected: 0, paid: 0, pending: 0 }, nextAction: `No incentive rules are known for program year ${programYear}.` };
  if (!first) return { programYear, rule, firstTrainingEnrollmentId: null, lines: [], totals: { expected: 0, paid: 0, pending: 0 }, nextAction: 'The participant has not redeemed a training through the gateway.' };

  const latest = new Map<string, Payment>();
  for (const p of [...payments].sort((a, b) => a.at.getTime() - b.at.getTime())) latest.set(`${p.incentive}:${p.sequence}`, p);

  const lines: IncentiveLine[] = [];
  const expect = (incentive: IncentiveKind, count: number, amount: number) => {
    for (let sequence = 1; sequence <= count; sequence++) {
      const p = latest.get(`${incentive}:${sequence}`);
      const label = incentive === 'training' ? `training incentive ${sequence}/${count}` : `survey ${sequence}/${count}`;
      if (p?.status === 'disbursed') lines.push({ incentive, sequence, amount: p.amount, status: 'paid', at: p.at.toISOString(), why: `${label} disbursed on ${p.at.toISOString().slice(0, 10)}` });
      else if (p?.status === 'failed') lines.push({ incentive, sequence, amount, status: 'failed', at: p.at.toISOString(), why: `${label} failed at prakerja.go.id: ${p.reason ?? 'no reason given'}` });
      else if (p?.status === 'scheduled') lines.push({ incentive, sequence, amount, status: 'scheduled', at: p.at.toISOString(), why: `${label} scheduled on ${p.at.toISOString().slice(0, 10)}` });
      else if (!first.reported) lines.push({ incentive, sequence, amount, status: 'blocked', why: `${label} waits for the first training: ${first.blockers.join('; ') || 'its certificate has not reached prakerja.go.id yet'}` });
      else lines.push({ incentive, sequence, amount, status: 'not_yet_due', why: incentive === 'survey' ? `${label} is paid after the participant fills in survey ${sequence}` : `${label} not scheduled yet by prakerja.go.id` });
    }
  };
  expect('training', rule.training.payments, rule.training.amount);
  expect('survey', rule.survey.count, rule.survey.amount);

  const expected = rule.training.amount * rule.training.payments + rule.survey.amount * rule.survey.count;
  const paid = lines.filter((l) => l.status === 'paid').reduce((s, l) => s + l.amount, 0);
  const failed = lines.find((l) => l.status === 'failed');
  const nextAction = !first.reported
    ? `Unblock the first training (${first.enrollmentId}): ${first.blockers.join('; ') || 'deliver its certificate to prakerja.go.id'}.`
    : failed
      ? `Ask prakerja.go.id about the failed payment (${failed.why}); the bank or e-wallet account must be validated on the participant's NIK.`
      : paid === expected
        ? `Nothing to do: ${rupiah(paid)} paid in full.`
        : 'Nothing blocks it on the gateway side; remaining payments follow prakerja.go.id’s schedule.';
  return { programYear, rule, firstTrainingEnrollmentId: first.enrollmentId, lines, totals: { expected, paid, pending: expected - paid }, nextAction };
}
