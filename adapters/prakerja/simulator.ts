import { Hono } from 'hono';
import { mountSignedApi } from './simulator/auth.js';
import { prakerjaCallbacks, type CallbackOptions } from './simulator/callbacks.js';
import { mountParticipants } from './simulator/participants.js';
import { mountRedeemCodes } from './simulator/redeem-codes.js';
import type { PrakerjaSimApp, PrakerjaSimContext } from './simulator/replies.js';
import { mountReports } from './simulator/reports.js';
import { PrakerjaSimulatorState } from './simulator/state.js';
import { mountTasks } from './simulator/tasks.js';

/*
 * Sandbox prakerja.go.id implementing openapi/partners/prakerja.yaml, one module per resource in
 * ./simulator/: the signed API (auth), redeem codes, participants, practical tasks, the MODELLED
 * reports and their listing, and the callbacks it sends to the gateway.
 */

export * from './simulator/state.js';
export { DEFAULT_PROGRAM_YEAR, SimCallbackEventInput, type PrakerjaCallbackSigner, type PrakerjaSimCallbackEvent } from './simulator/callbacks.js';

export interface PrakerjaSimulatorOptions extends Partial<CallbackOptions> {
  /** client_code → sign key, one pair per training provider. */
  clients: Record<string, string>;
  now?: () => Date;
  state?: PrakerjaSimulatorState;
  /** Status polls that still answer `pending` after a task or feedback is submitted; the next one settles it. Default 2. */
  taskSettlePolls?: number;
}

export function createPrakerjaSimulator(opts: PrakerjaSimulatorOptions) {
  const app: PrakerjaSimApp = new Hono();
  const ctx: PrakerjaSimContext = { app, state: opts.state ?? new PrakerjaSimulatorState(), now: opts.now ?? (() => new Date()) };
  const { callback, onCertificate } = prakerjaCallbacks(ctx, { ...opts, log: opts.log ?? ((message, detail) => console.error(message, detail)) });
  // The middleware first: every /api/* route below sees a verified caller and a parsed body.
  mountSignedApi(ctx, opts.clients);
  mountRedeemCodes(ctx);
  mountParticipants(ctx);
  mountTasks(ctx, opts.taskSettlePolls ?? 2);
  mountReports(ctx, onCertificate);
  return { app, state: ctx.state, callback };
}
