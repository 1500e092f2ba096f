import PQueue from 'p-queue';
import { AdapterError, type OutboundGate } from '../contract/adapter.js';

/** The `platformCode` of a refusal by the gateway's own cap: the partner was not called. */
export const GATEWAY_CAP = 'gateway_cap';

export interface OutboundCaps {
  /** Calls in flight to one partner at once. */
  concurrency: number;
  /** Calls started per second to one partner. */
  perSecond: number;
  /** How long a call may wait for its turn before it is refused as rate limited (the gateway's own cap). */
  maxWaitMs: number;
}

/**
 * Per-partner caps on outbound calls (p-queue: concurrency and calls per second), so a burst of
 * redemptions or a reconciliation run cannot flood a platform; a partner's 429 with Retry-After
 * holds every call to it until then. Per process: each instance keeps its own share.
 */
export function outboundGate(caps: OutboundCaps, now = () => Date.now()): OutboundGate {
  const queues = new Map<string, PQueue>();
  const pausedUntil = new Map<string, number>();
  const queueOf = (platform: string) => {
    let q = queues.get(platform);
    if (!q) queues.set(platform, (q = new PQueue({ concurrency: caps.concurrency, intervalCap: caps.perSecond, interval: 1000 })));
    return q;
  };
  return {
    async run(platform, call) {
      const q = queueOf(platform);
      // Only the wait is bounded: once started, a call is the adapter's (its own timeout), never
      // cut here, or a redeem still in flight would look like one never sent.
      const waited = new AbortController();
      let started = false;
      const timer = setTimeout(() => started || waited.abort(), caps.maxWaitMs);
      const refusal = () => {
        const held = (pausedUntil.get(platform) ?? 0) - now();
        return new AdapterError('rate_limited', platform, `the gateway's own cap on calls to ${platform} is reached (${caps.concurrency} at once, ${caps.perSecond}/s)`, {
          retryable: true,
          platformCode: GATEWAY_CAP,
          retryAfterMs: held > 0 ? held : 1000,
        });
      };
      // A paused queue does not look at its waiting calls' signals: the refusal is raced here, and
      // the abandoned turn, once the queue resumes, ends on the aborted signal without calling.
      const turn = q.add(() => ((started = true), clearTimeout(timer), call()), { signal: waited.signal, throwOnTimeout: true });
      const refused = new Promise<never>((_, reject) => waited.signal.addEventListener('abort', () => reject(refusal()), { once: true }));
      turn.catch(() => {});
      try {
        return await Promise.race([turn, refused]);
      } finally {
        clearTimeout(timer);
      }
    },
    pause(platform, ms) {
      if (ms <= 0) return;
      const q = queueOf(platform);
      const until = now() + ms;
      if ((pausedUntil.get(platform) ?? 0) >= until) return;
      pausedUntil.set(platform, until);
      q.pause();
      setTimeout(() => {
        if ((pausedUntil.get(platform) ?? 0) <= now()) q.start();
      }, ms).unref?.();
    },
    inFlight: (platform) => queues.get(platform)?.pending ?? 0,
  };
}
