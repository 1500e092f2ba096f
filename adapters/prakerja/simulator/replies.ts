import type { Hono } from 'hono';
import type { PRAKERJA_PARTICIPANT_NOT_FOUND, PrakerjaFailureMessage } from '../errors.js';
import type { PrakerjaSimulatorState } from './state.js';

/** The signed API's app: the auth middleware leaves the caller's client code and its parsed body. */
export type PrakerjaSimApp = Hono<{ Variables: { clientCode: string; body: Record<string, unknown> } }>;

/** What every resource's routes are mounted with. */
export interface PrakerjaSimContext {
  app: PrakerjaSimApp;
  state: PrakerjaSimulatorState;
  now: () => Date;
}

export type Reply = { status: number; body: unknown };
export const ok = (data: unknown): Reply => ({ status: 200, body: { success: true, message: 'Sukses', data } });
// Business refusals use 400 in the sandbox; the adapter decides on `success` and `message`, not on the status.
export const refuse = (message: PrakerjaFailureMessage | typeof PRAKERJA_PARTICIPANT_NOT_FOUND, status = 400): Reply => ({ status, body: { success: false, message, data: null } });
export const send = (c: { json: (b: object, s: 200) => Response }, r: Reply) => c.json(r.body as object, r.status as 200);

/** Records a call once in the shared SimulatorState, so tests read every simulator's calls alike. */
export const record = (state: PrakerjaSimulatorState, c: { req: { path: string } }, body: unknown, apply: () => Reply) => state.calls.once({ method: 'POST', path: c.req.path, body }, apply);

export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
