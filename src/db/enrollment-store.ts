import { and, asc, eq } from 'drizzle-orm';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import type { Db } from './database.js';
import { enrollmentEvents, enrollments, outbox, voucherClaims } from './schema.js';

export type EnrollmentRow = typeof enrollments.$inferSelect;
export type EnrollmentEventRow = typeof enrollmentEvents.$inferSelect;
export type NewEnrollment = typeof enrollments.$inferInsert;
export type NewEvent = Omit<typeof enrollmentEvents.$inferInsert, 'enrollmentId'>;

export async function findClaim(db: Db, platform: string, voucherCode: string) {
  const [row] = await db.select().from(voucherClaims).where(and(eq(voucherClaims.platform, platform), eq(voucherClaims.voucherCode, voucherCode)));
  return row;
}

/**
 * Takes the voucher's claim row, or reports who holds it. The unique index is what makes a
 * voucher redeemable once, however many gateways and requests race for it.
 */
export async function takeClaim(db: Db, claim: { id: string; platform: string; voucherCode: string; providerId: string }) {
  const taken = await db
    .insert(voucherClaims)
    .values({ ...claim, status: 'claimed' })
    .onConflictDoNothing()
    .returning({ id: voucherClaims.id });
  if (taken.length === 1) return { taken: true as const };
  const holder = await findClaim(db, claim.platform, claim.voucherCode);
  return { taken: false as const, holder };
}

/** Gives the claim back after the platform refused or could not be reached: nothing was redeemed by us. */
export async function releaseClaim(db: Db, id: string): Promise<void> {
  await db.delete(voucherClaims).where(and(eq(voucherClaims.id, id), eq(voucherClaims.status, 'claimed')));
}

/**
 * The enrollment, its first events, the settled claim and the outbound reports it calls for: all
 * or nothing. Answers with the rows as written, so the caller need not read them back.
 */
export async function recordRedemption(
  db: Db,
  enrollment: NewEnrollment,
  events: NewEvent[],
  outbound: (row: EnrollmentRow) => OutboxMessage[],
): Promise<{ enrollment: EnrollmentRow; events: EnrollmentEventRow[]; deliveries: OutboxRowView[] }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(enrollments).values(enrollment).returning();
    const written = await tx.insert(enrollmentEvents).values(events.map((e) => ({ ...e, enrollmentId: enrollment.id }))).returning();
    await tx.update(voucherClaims).set({ status: 'redeemed' }).where(eq(voucherClaims.id, enrollment.id));
    const deliveries = await enqueue(tx, outbound(row));
    return { enrollment: row, events: written.sort((a, b) => a.id - b.id), deliveries };
  });
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
