import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { enrollmentEvents, enrollments, outbox, voucherClaims } from './schema.js';

export type EnrollmentRow = typeof enrollments.$inferSelect;
export type EnrollmentEventRow = typeof enrollmentEvents.$inferSelect;
export type NewEnrollment = typeof enrollments.$inferInsert;
export type NewEvent = Omit<typeof enrollmentEvents.$inferInsert, 'enrollmentId'>;

export type ClaimRow = typeof voucherClaims.$inferSelect;

/**
 * Everything needed to write the enrollment once the platform has redeemed the voucher, decided
 * before it is asked (checks, names, course). Kept on the claim row as JSON, so whoever finishes
 * the redemption (this request, the provider's next attempt, the sweeper) needs nothing else.
 */
export interface RedemptionPlan {
  enrollment: Pick<
    NewEnrollment,
    | 'providerId' | 'platform' | 'voucherCode' | 'courseId' | 'courseTitle' | 'cardNumber' | 'participantName' | 'participantEmail'
    | 'platformBuyerName' | 'prakerjaName' | 'nameScore' | 'nameDecision' | 'nameExplanation'
  >;
  /** The events before the redeem itself; `occurredAt` as ISO text, as JSON keeps it. */
  events: Array<Omit<NewEvent, 'occurredAt'> & { occurredAt: string }>;
}

/**
 * The claim statements of every redemption, built once per database: drizzle would otherwise
 * rebuild the same SQL text from the query tree on every call (a large share of the gateway's
 * CPU). Only the values are filled in at execute time; placeholders skip the columns' encoders,
 * hence timestamps as ISO text and the plan as JSON text.
 */
function buildClaimQueries(db: Db) {
  const p = sql.placeholder;
  const byId = eq(voucherClaims.id, p('id'));
  return {
    find: db
      .select()
      .from(voucherClaims)
      .where(and(eq(voucherClaims.platform, p('platform')), eq(voucherClaims.voucherCode, p('voucherCode'))))
      .prepare('find_claim'),
    take: db
      .insert(voucherClaims)
      .values({
        id: p('id'),
        platform: p('platform'),
        voucherCode: p('voucherCode'),
        providerId: p('providerId'),
        status: 'claimed',
        leaseUntil: sql`${p('leaseUntil')}::timestamptz`,
        plan: sql`${p('plan')}::jsonb`,
      })
      .onConflictDoNothing()
      .returning()
      .prepare('take_claim'),
    takeOver: db
      .update(voucherClaims)
      .set({ leaseUntil: sql`${p('leaseUntil')}::timestamptz` })
      .where(and(byId, eq(voucherClaims.status, 'claimed'), lt(voucherClaims.leaseUntil, sql`${p('now')}::timestamptz`)))
      .returning()
      .prepare('take_over_claim'),
    release: db.delete(voucherClaims).where(and(byId, eq(voucherClaims.status, 'claimed'))).prepare('release_claim'),
    expireLease: db
      .update(voucherClaims)
      .set({ leaseUntil: sql`${p('now')}::timestamptz` })
      .where(and(byId, eq(voucherClaims.status, 'claimed')))
      .prepare('expire_claim_lease'),
    accept: db
      .update(voucherClaims)
      .set({ status: 'accepted', platformReference: sql`${p('platformReference')}`, redeemedAt: sql`${p('redeemedAt')}::timestamptz` })
      .where(and(byId, eq(voucherClaims.status, 'claimed')))
      .prepare('accept_claim'),
  };
}

const claimQueries = new WeakMap<Db, ReturnType<typeof buildClaimQueries>>();

function claims(db: Db): ReturnType<typeof buildClaimQueries> {
  let q = claimQueries.get(db);
  if (!q) claimQueries.set(db, (q = buildClaimQueries(db)));
  return q;
}

export async function findClaim(db: Db, platform: string, voucherCode: string): Promise<ClaimRow | undefined> {
  const [row] = await claims(db).find.execute({ platform, voucherCode });
  return row;
}

/**
 * Takes the voucher's claim row with the plan and a lease, or answers undefined when another
 * request holds it. The unique index is what makes a voucher redeemable once, however many
 * gateways and requests race for it.
 */
export async function takeClaim(
  db: Db,
  claim: { id: string; platform: string; voucherCode: string; providerId: string; plan: RedemptionPlan; leaseUntil: Date },
): Promise<ClaimRow | undefined> {
  const [row] = await claims(db).take.execute({ ...claim, plan: JSON.stringify(claim.plan), leaseUntil: claim.leaseUntil.toISOString() });
  return row;
}

/** Takes over a claim whose asker stopped before settling it (its lease ran out): undefined if someone else did first. */
export async function takeOverClaim(db: Db, id: string, now: Date, leaseUntil: Date): Promise<ClaimRow | undefined> {
  const [row] = await claims(db).takeOver.execute({ id, now: now.toISOString(), leaseUntil: leaseUntil.toISOString() });
  return row;
}

/** Gives the claim back after the platform refused: nothing was redeemed by us. */
export async function releaseClaim(db: Db, id: string): Promise<void> {
  await claims(db).release.execute({ id });
}

/** The platform may or may not have redeemed: let the next attempt take over at once and ask again under the same key. */
export async function expireClaimLease(db: Db, id: string, now: Date): Promise<void> {
  await claims(db).expireLease.execute({ id, now: now.toISOString() });
}

/** The platform redeemed the voucher: that fact is kept on the claim before anything else can fail. */
export async function acceptClaim(db: Db, id: string, redeemed: { platformReference: string; redeemedAt: Date }): Promise<void> {
  await claims(db).accept.execute({ id, platformReference: redeemed.platformReference, redeemedAt: redeemed.redeemedAt.toISOString() });
}

/** Claims the platform redeemed but whose enrollment is not written yet (their writer failed). */
export async function acceptedClaims(db: Db, limit: number): Promise<ClaimRow[]> {
  return db.select().from(voucherClaims).where(eq(voucherClaims.status, 'accepted')).limit(limit);
}

export type OutboxRowView = typeof outbox.$inferSelect;

export async function loadEnrollment(
  db: Db,
  id: string,
): Promise<{ enrollment: EnrollmentRow; events: EnrollmentEventRow[]; deliveries: OutboxRowView[] } | undefined> {
  const [enrollment] = await db.select().from(enrollments).where(eq(enrollments.id, id));
  if (!enrollment) return undefined;
  const [events, deliveries] = await Promise.all([
    db.select().from(enrollmentEvents).where(eq(enrollmentEvents.enrollmentId, id)).orderBy(asc(enrollmentEvents.id)),
    db.select().from(outbox).where(eq(outbox.enrollmentId, id)).orderBy(asc(outbox.id)),
  ]);
  return { enrollment, events, deliveries };
}
