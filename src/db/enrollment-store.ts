import { and, asc, eq, sql } from 'drizzle-orm';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import type { Db } from './database.js';
import { enrollmentEvents, enrollments, outbox, voucherClaims } from './schema.js';

export type EnrollmentRow = typeof enrollments.$inferSelect;
export type EnrollmentEventRow = typeof enrollmentEvents.$inferSelect;
export type NewEnrollment = typeof enrollments.$inferInsert;
export type NewEvent = Omit<typeof enrollmentEvents.$inferInsert, 'enrollmentId'>;

/**
 * The claim statements of every redemption, built once per database: drizzle would otherwise
 * rebuild the same SQL text from the query tree on every call (a large share of the gateway's
 * CPU). The SQL text is the one drizzle built per call before; only the values are filled in at
 * execute time (text and uuid columns, which need no encoding).
 */
function buildClaimQueries(db: Db) {
  const p = sql.placeholder;
  return {
    find: db
      .select()
      .from(voucherClaims)
      .where(and(eq(voucherClaims.platform, p('platform')), eq(voucherClaims.voucherCode, p('voucherCode'))))
      .prepare('find_claim'),
    take: db
      .insert(voucherClaims)
      .values({ id: p('id'), platform: p('platform'), voucherCode: p('voucherCode'), providerId: p('providerId'), status: 'claimed' })
      .onConflictDoNothing()
      .returning({ id: voucherClaims.id })
      .prepare('take_claim'),
    release: db
      .delete(voucherClaims)
      .where(and(eq(voucherClaims.id, p('id')), eq(voucherClaims.status, 'claimed')))
      .prepare('release_claim'),
  };
}

const claimQueries = new WeakMap<Db, ReturnType<typeof buildClaimQueries>>();

function claims(db: Db): ReturnType<typeof buildClaimQueries> {
  let q = claimQueries.get(db);
  if (!q) claimQueries.set(db, (q = buildClaimQueries(db)));
  return q;
}

export async function findClaim(db: Db, platform: string, voucherCode: string) {
  const [row] = await claims(db).find.execute({ platform, voucherCode });
  return row;
}

/**
 * Takes the voucher's claim row, or reports who holds it. The unique index is what makes a
 * voucher redeemable once, however many gateways and requests race for it.
 */
export async function takeClaim(db: Db, claim: { id: string; platform: string; voucherCode: string; providerId: string }) {
  const taken = await claims(db).take.execute({ id: claim.id, platform: claim.platform, voucherCode: claim.voucherCode, providerId: claim.providerId });
  if (taken.length === 1) return { taken: true as const };
  const holder = await findClaim(db, claim.platform, claim.voucherCode);
  return { taken: false as const, holder };
}

/** Gives the claim back after the platform refused or could not be reached: nothing was redeemed by us. */
export async function releaseClaim(db: Db, id: string): Promise<void> {
  await claims(db).release.execute({ id });
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
