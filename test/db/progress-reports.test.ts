import { describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

/** What a provider is told when it reports a session: README "After redemption" says the same. */
const w = useWorld();

async function redeemed(): Promise<{ id: string; redeemedAt: string }> {
  const res = await w.post('/v1/redemptions', { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; redeemedAt: string };
}

describe('POST /v1/enrollments/{id}/progress', () => {
  it('applies a session once: the identical report is a 200 that changes nothing, another attendedAt is a 409, a date before the redemption a 422', async () => {
    const e = await redeemed();
    const attendedAt = new Date(Date.parse(e.redeemedAt) + 60_000).toISOString();
    const first = await w.post(`/v1/enrollments/${e.id}/progress`, { sequence: 1, attendedAt });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ sessionsAttended: 1 });

    // The same instant written another way is the same report.
    const same = await w.post(`/v1/enrollments/${e.id}/progress`, { sequence: 1, attendedAt: attendedAt.replace('Z', '+00:00') });
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ sessionsAttended: 1 });

    const other = await w.post(`/v1/enrollments/${e.id}/progress`, { sequence: 1, attendedAt: new Date(Date.parse(attendedAt) + 3_600_000).toISOString() });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: 'progress_conflict', reportedAttendedAt: attendedAt, errors: [{ field: 'attendedAt', rule: 'same_as_first_report' }] });

    const early = await w.post(`/v1/enrollments/${e.id}/progress`, { sequence: 2, attendedAt: new Date(Date.parse(e.redeemedAt) - 60_000).toISOString() });
    expect(early.status).toBe(422);
    expect(await early.json()).toMatchObject({ code: 'attended_before_redemption', errors: [{ field: 'attendedAt', rule: 'after_redemption' }] });

    const view = await w.get(`/v1/enrollments/${e.id}`);
    const body = (await view.json()) as { sessionsAttended: number; timeline: Array<{ type: string }> };
    expect(body.sessionsAttended).toBe(1);
    expect(body.timeline.filter((t) => t.type === 'session_attended')).toHaveLength(1);
  });
});
