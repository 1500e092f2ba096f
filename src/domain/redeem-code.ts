import type { RedeemCodeStatus } from '../contract/adapter.js';

const HOUR_MS = 3_600_000;

/**
 * prakerja.go.id's rule: a webinar's redeem code is valid from one hour before to one hour after
 * the session starts. Other training types have no window.
 */
export function webinarWindowRefusal(status: RedeemCodeStatus, now: Date): { opensAt: Date; closesAt: Date } | null {
  if (status.courseType !== 'webinar' || !status.scheduleStart) return null;
  const opensAt = new Date(status.scheduleStart.getTime() - HOUR_MS);
  const closesAt = new Date(status.scheduleStart.getTime() + HOUR_MS);
  return now < opensAt || now > closesAt ? { opensAt, closesAt } : null;
}
