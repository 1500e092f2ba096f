import CircuitBreaker from 'opossum';
import { AdapterError } from '../contract/adapter.js';
import type { SharedBreakerState } from './shared-breaker-state.js';

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
 *
 * With `shared`, an opening and a close after a successful trial are written for every other
 * dispatcher on the database to see (heldBack); those writes are awaited by `flush`, since on
 * Workers the invocation's database client is closed once its work is done.
 */
export class DestinationBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[Call], unknown>>();
  private readonly writes = new Set<Promise<void>>();
  constructor(
    private readonly settings: BreakerSettings = DEFAULT_BREAKER,
    readonly shared?: SharedBreakerState,
    private readonly onSharedError: (err: unknown, destination: string) => void = () => {},
  ) {}

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
      if (this.shared) {
        const shared = this.shared;
        const breaker = b;
        b.on('open', () => this.write(destination, () => shared.opened(destination, this.settings.cooldownMs, breaker.stats.failures)));
        b.on('close', () => this.write(destination, () => shared.closed(destination)));
      }
      this.breakers.set(destination, b);
    }
    return b;
  }

  /**
   * Whether `destination` is not to be called now: this dispatcher's breaker is open, or it is
   * closed here while another dispatcher's is open (a half-open one here makes its own trial).
   */
  async heldBack(destination: string): Promise<boolean> {
    const b = this.for(destination);
    if (b.opened) return true;
    if (b.halfOpen || !this.shared) return false;
    // An unreadable shared state (no migration yet, a hiccup) holds nothing back: as without sharing.
    return this.shared.isOpen(destination).catch((err: unknown) => (this.onSharedError(err, destination), false));
  }

  /** Waits for the shared-state writes of transitions so far. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private write(destination: string, op: () => Promise<void>): void {
    // A failed write only leaves other dispatchers to find out for themselves, as without sharing.
    // Not inside opossum's emit: a write's failure or slowness is no concern of the call that caused it.
    const w = Promise.resolve()
      .then(op)
      .catch((err: unknown) => this.onSharedError(err, destination))
      .finally(() => this.writes.delete(w));
    this.writes.add(w);
  }

  snapshot() {
    const elsewhere = new Set(this.shared?.openDestinations().map((d) => d.destination));
    const local = [...this.breakers.entries()].map(([destination, b]) => ({
      destination,
      // Closed here but open in another dispatcher (from the last shared read): held back all the same.
      state: b.opened || (b.closed && elsewhere.has(destination)) ? 'open' : b.halfOpen ? 'half_open' : 'closed',
      failures: b.stats.failures,
      successes: b.stats.successes,
    }));
    const seen = new Set(local.map((b) => b.destination));
    return [...local, ...[...elsewhere].filter((d) => !seen.has(d)).map((destination) => ({ destination, state: 'open', failures: 0, successes: 0 }))];
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}
