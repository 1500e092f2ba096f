import { describe, expect, it } from 'vitest';
import {
  DELIVERY,
  platformAgreementTable,
  platformAgrees,
  prakerjaAgreementTable,
  prakerjaAgrees,
  type GatewayForPlatform,
  type GatewayForPrakerja,
} from '../../src/domain/reconciliation.js';
import type { EnrollmentState } from '../../src/domain/types.js';
import { decodeIdCursor, idCursor } from '../../src/lib/cursor.js';
import { ProblemError } from '../../src/lib/problem.js';
import { derivedCircuit } from '../../src/services/ops/platform-health.js';
import { pages } from '../../src/services/recon/stage.js';

const { none, inFlight, delivered } = DELIVERY;
const g = (o: Partial<GatewayForPlatform> = {}): GatewayForPlatform => ({ outcome: 'none', reviewed: false, completion: none, ...o });

describe('gateway ↔ platform agreement', () => {
  it.each<[string, EnrollmentState, GatewayForPlatform, boolean]>([
    ['both at redeemed', 'redeemed', g(), true],
    ['platform shows sessions the gateway also has', 'in_progress', g(), true],
    ['platform not told yet, report on its way', 'redeemed', g({ outcome: 'passed', completion: inFlight }), true],
    ['platform not told though the report was delivered', 'redeemed', g({ outcome: 'passed', completion: delivered }), false],
    ['platform finished a training the gateway has not', 'completed', g(), false],
    ['outcomes differ', 'completed', g({ outcome: 'failed', completion: delivered }), false],
    ['same outcome', 'failed', g({ outcome: 'failed', completion: delivered }), true],
    ['a review at the platform the gateway never heard of', 'reviewed', g({ outcome: 'passed', completion: delivered }), false],
    ['the review reached both', 'reviewed', g({ outcome: 'passed', completion: delivered, reviewed: true }), true],
    ['reviewed on prakerja.go.id: the platform stays at finished', 'completed', g({ outcome: 'passed', completion: delivered, reviewed: true }), true],
    ['a certificate shown by the platform itself (Kemnaker Lulus)', 'certified', g({ outcome: 'passed', completion: delivered }), true],
    ['refunded under a live enrollment', 'refunded', g({ outcome: 'passed', completion: delivered, reviewed: true }), false],
    ['the platform forgot the redemption', 'purchased', g(), false],
  ])('%s', (_, platform, gateway, agrees) => {
    expect(platformAgrees(platform, gateway)).toBe(agrees);
  });

  it('the SQL lookup table holds exactly the agreeing combinations', () => {
    const table = platformAgreementTable();
    expect(new Set(table.map((r) => r.join('|'))).size).toBe(table.length);
    for (const [state, outcome, reviewed, completion] of table) expect(platformAgrees(state, { outcome, reviewed, completion })).toBe(true);
    expect(table).toContainEqual(['redeemed', 'none', false, none]);
    expect(table).not.toContainEqual(['refunded', 'none', false, none]);
  });
});

describe('gateway ↔ prakerja.go.id agreement', () => {
  const k = (o: Partial<GatewayForPrakerja> = {}): GatewayForPrakerja => ({ outcome: 'none', redemption: delivered, completion: none, certificate: none, ...o });
  it.each<[string, Parameters<typeof prakerjaAgrees>[0], GatewayForPrakerja, boolean]>([
    ['it has the delivered redemption', 'redeemed', k(), true],
    ['it lacks a delivered redemption', 'none', k(), false],
    ['the redemption is still on its way', 'none', k({ redemption: inFlight }), true],
    ['a held name kept the completion back, and it has none', 'redeemed', k({ outcome: 'passed' }), true],
    ['it has a completion the gateway never sent', 'completed', k({ outcome: 'passed' }), false],
    ['completion delivered, certificate on its way', 'completed', k({ outcome: 'passed', completion: delivered, certificate: inFlight }), true],
    ['certificate on its way and already arrived', 'reported', k({ outcome: 'passed', completion: delivered, certificate: inFlight }), true],
    ['it holds a certificate the gateway never sent', 'reported', k({ outcome: 'passed', completion: delivered }), false],
    ['it has the other outcome', 'completed', k({ outcome: 'failed', completion: delivered }), false],
    ['dead completion report: it lags, reported apart as a dead letter', 'redeemed', k({ outcome: 'failed', completion: inFlight }), true],
  ])('%s', (_, view, gateway, agrees) => {
    expect(prakerjaAgrees(view, gateway)).toBe(agrees);
  });

  it('the SQL lookup table holds exactly the agreeing combinations', () => {
    const table = prakerjaAgreementTable();
    for (const [view, outcome, redemption, completion, certificate] of table) expect(prakerjaAgrees(view, { outcome, redemption, completion, certificate })).toBe(true);
    expect(table.length).toBeLessThan(5 * 3 * 27);
  });
});

describe('helpers', () => {
  it('cursors round-trip and refuse what they did not issue, naming the field', () => {
    expect(decodeIdCursor(idCursor(42))).toBe(42);
    expect(decodeIdCursor(undefined)).toBeUndefined();
    for (const bad of ['x', 'eyJpZCI6IngifQ', '']) {
      try {
        decodeIdCursor(bad);
        expect.unreachable();
      } catch (e) {
        expect((e as ProblemError).problem).toMatchObject({ status: 400, errors: [{ field: 'query:cursor' }] });
      }
    }
  });

  it('a derived circuit opens after enough failures with no success since', () => {
    const t = (s: number) => new Date(1_000_000 + s * 1000);
    expect(derivedCircuit({ failuresInCooldown: 5, lastFailureAt: t(10), lastSuccessAt: t(1) })).toBe('open');
    expect(derivedCircuit({ failuresInCooldown: 5, lastFailureAt: t(10), lastSuccessAt: t(11) })).toBe('closed');
    expect(derivedCircuit({ failuresInCooldown: 4, lastFailureAt: t(10), lastSuccessAt: null })).toBe('closed');
  });

  it('pages() asks for the next page before handing out this one, and stops on a repeated cursor', async () => {
    const asked: Array<string | undefined> = [];
    const listing = pages(async (cursor) => {
      asked.push(cursor);
      return cursor === undefined ? { items: [1, 2], nextCursor: 'a' } : cursor === 'a' ? { items: [3], nextCursor: 'b' } : { items: [] };
    });
    const first = await listing.next();
    expect(first.value).toEqual([1, 2]);
    expect(asked).toEqual([undefined, 'a']);
    const rest: number[][] = [];
    for await (const p of listing) rest.push(p);
    expect(rest).toEqual([[3], []]);

    const stuck = pages(async () => ({ items: [1], nextCursor: 'same' }));
    await expect((async () => {
      for await (const _ of stuck);
    })()).rejects.toThrow(/same cursor/);
  });
});
