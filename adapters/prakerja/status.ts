import type { CourseType } from '../types.js';

/** prakerja.go.id's numeric `course_type`; the one table, so an unknown number fails to parse rather than guess. */
export const PRAKERJA_COURSE_TYPES = {
  1: 'webinar',
  2: 'spl',
  3: 'offline',
} as const satisfies Record<number, CourseType>;
export type PrakerjaCourseTypeCode = keyof typeof PRAKERJA_COURSE_TYPES;

/** `course_type_label` as prakerja.go.id words it. */
export const PRAKERJA_COURSE_TYPE_LABELS = {
  webinar: 'Webinar',
  spl: 'Self-Paced Learning',
  offline: 'Offline',
} as const satisfies Record<CourseType, string>;

export const PRAKERJA_COURSE_TYPE_CODES = Object.fromEntries(Object.entries(PRAKERJA_COURSE_TYPES).map(([code, type]) => [type, Number(code)])) as Record<
  CourseType,
  PrakerjaCourseTypeCode
>;
