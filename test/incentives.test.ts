import { describe, expect, it } from 'vitest';
import { incentiveStatement, ruleFor, type Payment, type TrainingForIncentive } from '../src/domain/incentives.js';

const day = (d: number) => new Date(Date.UTC(2024, 0, d));
const reported = (id = 'first', redeemedAt = day(1)): TrainingForIncentive => ({ enrollmentId: id, redeemedAt, blockers: [], reported: true });
const stuck = (blockers: string[], id = 'first', redeemedAt = day(1)): TrainingForIncentive => ({ enrollmentId: id, redeemedAt, blockers, reported: false });
const pay = (incentive: Payment['incentive'], sequence: number, status: Payment['status'], at: Date, extra: Partial<Payment> = {}): Payment => ({
  incentive,
  sequence,
  amount: incentive === 'training' ? 600_000 : 50_000,
  status,
  at,
  ...extra,
});
const summary = (s: ReturnType<typeof incentiveStatement>) => s.lines.map((l) => `${l.incentive} ${l.sequence} ${l.amount} ${l.status}`);

describe('incentive rules per program year', () => {
  it.each([2020, 2021, 2022])('%i: Rp1,000,000 balance, 4 × Rp600,000 monthly and 3 × Rp50,000 surveys, first purchase within 30 days', (year) => {
    expect(ruleFor(year)).toMatchObject({ balance: 1_000_000, training: { amount: 600_000, payments: 4 }, survey: { amount: 50_000, count: 3 }, firstPurchaseWithinDays: 30 });
  });

  it.each([2023, 2024])('%i: Rp3,500,000 balance, 1 × Rp600,000 and 2 × Rp50,000 surveys, first purchase within 15 days', (year) => {
    expect(ruleFor(year)).toMatchObject({ balance: 3_500_000, training: { amount: 600_000, payments: 1 }, survey: { amount: 50_000, count: 2 }, firstPurchaseWithinDays: 15 });
  });

  it('before the program there are no rules; after the last published year the latest ones hold', () => {
    expect(ruleFor(2019)).toBeUndefined();
    expect(ruleFor(2026)).toBe(ruleFor(2024));
  });
});

describe('incentiveStatement', () => {
  it('2021: expects 4 × Rp600,000 + 3 × Rp50,000 once the first training is reported', () => {
    const s = incentiveStatement(2021, [reported()], [pay('training', 1, 'scheduled', day(20))]);
    expect(summary(s)).toEqual([
      'training 1 600000 scheduled',
      'training 2 600000 not_yet_due',
      'training 3 600000 not_yet_due',
      'training 4 600000 not_yet_due',
      'survey 1 50000 not_yet_due',
      'survey 2 50000 not_yet_due',
      'survey 3 50000 not_yet_due',
    ]);
    expect(s.totals).toEqual({ expected: 4 * 600_000 + 3 * 50_000, paid: 0, pending: 2_550_000 });
    expect(s.lines[0]).toMatchObject({ at: day(20).toISOString(), why: 'training incentive 1/4 scheduled on 2024-01-20' });
    expect(s.nextAction).toMatch(/Nothing blocks it on the gateway side/);
    expect(s.firstTrainingEnrollmentId).toBe('first');
  });

  it('2024: expects 1 × Rp600,000 + 2 × Rp50,000', () => {
    const s = incentiveStatement(2024, [reported()], []);
    expect(summary(s)).toEqual(['training 1 600000 not_yet_due', 'survey 1 50000 not_yet_due', 'survey 2 50000 not_yet_due']);
    expect(s.totals).toEqual({ expected: 700_000, paid: 0, pending: 700_000 });
    expect(s.lines[1].why).toBe('survey 1/2 is paid after the participant fills in survey 1');
  });

  it('while the first training is not reported every unpaid line is blocked, with the blockers as the reason and the next action', () => {
    const blockers = ['the participant has not rated and reviewed the training yet'];
    const s = incentiveStatement(2024, [stuck(blockers)], []);
    expect(s.lines.map((l) => l.status)).toEqual(['blocked', 'blocked', 'blocked']);
    for (const l of s.lines) expect(l.why).toContain('has not rated and reviewed');
    expect(s.nextAction).toBe('Unblock the first training (first): the participant has not rated and reviewed the training yet.');
    expect(s.totals).toEqual({ expected: 700_000, paid: 0, pending: 700_000 });
  });

  it('only the first training counts: a later one reported does not unblock the incentive', () => {
    const later = reported('second', day(10));
    const s = incentiveStatement(2024, [later, stuck(['no certificate was reported'], 'first', day(2))], []);
    expect(s.firstTrainingEnrollmentId).toBe('first');
    expect(s.lines.every((l) => l.status === 'blocked')).toBe(true);
    expect(s.nextAction).toContain('no certificate was reported');
  });

  it('a disbursed payment is paid (its amount), the latest fact per payment wins, and a full payment says so', () => {
    const payments = [
      pay('training', 1, 'disbursed', day(25)),
      pay('training', 1, 'scheduled', day(20)),
      pay('survey', 1, 'disbursed', day(26)),
      pay('survey', 2, 'disbursed', day(27)),
    ];
    const s = incentiveStatement(2024, [reported()], payments);
    expect(summary(s)).toEqual(['training 1 600000 paid', 'survey 1 50000 paid', 'survey 2 50000 paid']);
    expect(s.totals).toEqual({ expected: 700_000, paid: 700_000, pending: 0 });
    expect(s.nextAction).toBe(`Nothing to do: Rp${(700_000).toLocaleString('id-ID')} paid in full.`);
  });

  it('a failed payment says why, and the next action is to ask prakerja.go.id', () => {
    const s = incentiveStatement(2024, [reported()], [pay('training', 1, 'scheduled', day(20)), pay('training', 1, 'failed', day(21), { reason: 'rekening tidak valid' })]);
    expect(s.lines[0]).toMatchObject({ status: 'failed', why: 'training incentive 1/1 failed at prakerja.go.id: rekening tidak valid' });
    expect(s.totals).toEqual({ expected: 700_000, paid: 0, pending: 700_000 });
    expect(s.nextAction).toMatch(/^Ask prakerja.go.id about the failed payment/);
  });

  it('a payment prakerja.go.id already reported shows even while the gateway still sees a blocker', () => {
    const s = incentiveStatement(2024, [stuck(['delivery prakerja.certificate to prakerja dead-lettered after 1 attempt(s): boom'])], [pay('training', 1, 'scheduled', day(20))]);
    expect(s.lines.map((l) => l.status)).toEqual(['scheduled', 'blocked', 'blocked']);
  });

  it('no training, or no rules: an empty statement that says why', () => {
    expect(incentiveStatement(2024, [], [])).toMatchObject({ lines: [], totals: { expected: 0, paid: 0, pending: 0 }, firstTrainingEnrollmentId: null, nextAction: 'The participant has not redeemed a training through the gateway.' });
    expect(incentiveStatement(2019, [reported()], [])).toMatchObject({ rule: null, lines: [], nextAction: 'No incentive rules are known for program year 2019.' });
  });
});
