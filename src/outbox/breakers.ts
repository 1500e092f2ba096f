import CircuitBreaker from 'opossum';
import { AdapterError } from '../contract/adapter.js';

export interface BreakerSettings {
  /** Failures inside the rolling window before a destination is considered down (Nango: 5 in 10 s). */
  volumeThreshold: number;
  errorThresholdPercentage: number;
  rollingWindowMs: number;
  /** How long an open breaker waits before letting one trial call through. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { volumeThreshold: 5, errorThresholdPercentage: 50, rollingWindowMs: 10_000, cooldownMs: 60_000 };

type Call = () => Promise<unknown>;

/**
 * One circuit breaker per destination (opossum): a platform that keeps failing is left alone for
 * a cool-down instead of being hammered by every due row. A refusal (4xx) says nothing about the
 * platform's health, so it does not count against it.
 */
export class DestinationBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[Call], unknown>>();
  constructor(private readonly settings: BreakerSettings = DEFAULT_BREAKER) {}

  for(destination: string): CircuitBreaker<[Call], unknown> {
    let b = this.breakers.get(destination);
    if (!b) {
      b = new CircuitBreaker((call: Call) => call(), {
        timeout: false,
        volumeThreshold: this.settings.volumeThreshold,
        errorThresholdPercentage: this.settings.errorThresholdPercentage,
        rollingCountTimeout: this.settings.rollingWindowMs,
        resetTimeout: this.settings.cooldownMs,
        errorFilter: (err: unknown) => err instanceof AdapterError && !err.retryable,
        name: destination,
      });
      this.breakers.set(destination, b);
    }
    return b;
  }

  snapshot() {
    return [...this.breakers.entries()].map(([destination, b]) => ({
      destination,
      state: b.opened ? 'open' : b.halfOpen ? 'half_open' : 'closed',
      failures: b.stats.failures,
      successes: b.stats.successes,
    }));
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}
