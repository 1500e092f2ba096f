import { eq } from 'drizzle-orm';
import type { Db } from './database.js';
import { courses, providers } from './schema.js';

const TITLE_TTL_MS = 60_000;
const titles = new WeakMap<Db, Map<string, { title: string | undefined; at: number }>>();

/** A course's title; the catalogue changes rarely, so titles are kept a minute per database. */
export async function findCourseTitle(db: Db, courseId: string): Promise<string | undefined> {
  let cache = titles.get(db);
  if (!cache) titles.set(db, (cache = new Map()));
  const hit = cache.get(courseId);
  if (hit && Date.now() - hit.at < TITLE_TTL_MS) return hit.title;
  const [row] = await db.select({ title: courses.title }).from(courses).where(eq(courses.id, courseId));
  cache.set(courseId, { title: row?.title, at: Date.now() });
  return row?.title;
}

export async function findProvider(db: Db, id: string) {
  const [row] = await db.select().from(providers).where(eq(providers.id, id));
  return row;
}
