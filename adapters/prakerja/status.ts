import type { CourseType, TaskState } from '../types.js';

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

/** `/tpm/submission/status` codes, as published: the one table both directions are read from. */
export const PRAKERJA_TASK_STATES = {
  0: 'not_submitted',
  1: 'pending',
  2: 'success',
  3: 'failed',
} as const satisfies Record<number, TaskState>;
export type PrakerjaTaskStateCode = keyof typeof PRAKERJA_TASK_STATES;

export const PRAKERJA_TASK_STATE_CODES = Object.fromEntries(Object.entries(PRAKERJA_TASK_STATES).map(([code, state]) => [state, Number(code)])) as Record<
  TaskState,
  PrakerjaTaskStateCode
>;

// A state added to TASK_STATES without a code fails to compile here rather than render as undefined.
const _everyTaskStateHasACode: [Exclude<TaskState, (typeof PRAKERJA_TASK_STATES)[PrakerjaTaskStateCode]>] extends [never] ? true : never = true;
void _everyTaskStateHasACode;
