import { eq, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { courses, providers } from './schema.js';

const TITLE_TTL_MS = 60_000;
const titles = new WeakMap<Db, Map<string, { title: string | undefined; at: number }>>();

const buildTitleQuery = (db: Db) => db.select({ title: courses.title }).from(courses).where(eq(courses.id, sql.placeholder('id'))).prepare('course_title');
/** Built once per database, so drizzle does not rebuild its SQL text on every miss. */
const titleQueries = new WeakMap<Db, ReturnType<typeof buildTitleQuery>>();

/** A course's title; the catalogue changes rarely, so titles are kept a minute per database. */
export async function findCourseTitle(db: Db, courseId: string): Promise<string | undefined> {
  let cache = titles.get(db);
  if (!cache) titles.set(db, (cache = new Map()));
  const hit = cache.get(courseId);
  if (hit && Date.now() - hit.at < TITLE_TTL_MS) return hit.title;
  let query = titleQueries.get(db);
  if (!query) titleQueries.set(db, (query = buildTitleQuery(db)));
  const [row] = await query.execute({ id: courseId });
  cache.set(courseId, { title: row?.title, at: Date.now() });
  return row?.title;
}

export async function findProvider(db: Db, id: string) {
  const [row] = await db.select().from(providers).where(eq(providers.id, id));
  return row;
}
