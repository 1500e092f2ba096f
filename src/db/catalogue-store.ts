import { eq } from 'drizzle-orm';
import type { Db } from './database.js';
import { courses, providers } from './schema.js';

export async function findCourseTitle(db: Db, courseId: string): Promise<string | undefined> {
  const [row] = await db.select({ title: courses.title }).from(courses).where(eq(courses.id, courseId));
  return row?.title;
}

export async function findProvider(db: Db, id: string) {
  const [row] = await db.select().from(providers).where(eq(providers.id, id));
  return row;
}
