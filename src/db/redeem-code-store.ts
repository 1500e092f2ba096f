import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './database.js';
import { attendanceVerifications, redeemCodeUses } from './schema.js';

const byCode = (redeemCode: string, sequence: number) => and(eq(redeemCodeUses.redeemCode, redeemCode), eq(redeemCodeUses.sequence, sequence));

export async function findRedeemCodeUse(db: Db, redeemCode: string, sequence: number) {
  const [row] = await db.select().from(redeemCodeUses).where(byCode(redeemCode, sequence));
  return row;
}

/** One commit per code and session: the primary key lets exactly one racer through. */
export async function claimRedeemCode(db: Db, use: { redeemCode: string; sequence: number; providerId: string }): Promise<boolean> {
  const rows = await db.insert(redeemCodeUses).values({ ...use, status: 'claimed' }).onConflictDoNothing().returning({ c: redeemCodeUses.redeemCode });
  return rows.length === 1;
}

export async function releaseRedeemCode(db: Db, redeemCode: string, sequence: number): Promise<void> {
  await db.delete(redeemCodeUses).where(and(byCode(redeemCode, sequence), eq(redeemCodeUses.status, 'claimed')));
}

export async function markRedeemCodeCommitted(db: Db, redeemCode: string, sequence: number, snapshot: unknown, at: Date) {
  const [row] = await db.update(redeemCodeUses).set({ status: 'committed', snapshot, committedAt: at }).where(byCode(redeemCode, sequence)).returning();
  return row;
}

export async function saveVerification(db: Db, v: typeof attendanceVerifications.$inferInsert) {
  await db.insert(attendanceVerifications).values(v);
}

export async function findVerification(db: Db, state: string) {
  const [row] = await db.select().from(attendanceVerifications).where(eq(attendanceVerifications.state, state));
  return row;
}

/** Records the participant's return once; a repeat keeps the first time. */
export async function markReturned(db: Db, state: string, at: Date) {
  await db
    .update(attendanceVerifications)
    .set({ returnedAt: at })
    .where(and(eq(attendanceVerifications.state, state), isNull(attendanceVerifications.returnedAt)));
  return findVerification(db, state);
}
