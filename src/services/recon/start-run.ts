import type { ReconSettings } from '../../domain/reconciliation.js';
import type { PlatformId } from '../../domain/types.js';
import { audit } from '../ops/audit.js';
import { runReconciliation, type ReconDeps } from './runs.js';

/**
 * An operator's reconciliation run: executed, then written to the audit log with its window and
 * outcome. The API (POST /v1/ops/reconciliation/runs) and the console both start runs here, so
 * a run is audited the same whichever door it came through.
 */
export async function startAuditedRun(
  deps: ReconDeps,
  req: { platform?: PlatformId; from: Date; to: Date; settings?: Partial<ReconSettings>; reason?: string },
  operator: string,
) {
  const run = await runReconciliation(deps, { platform: req.platform, from: req.from, to: req.to, requestedBy: operator, settings: req.settings });
  await audit(deps.database.db, {
    operator,
    action: 'reconciliation.run',
    target: `recon_run:${run.id}`,
    reason: req.reason || 'reconciliation run',
    detail: { platform: run.platform, from: req.from.toISOString(), to: req.to.toISOString(), status: run.status },
  });
  return run;
}
