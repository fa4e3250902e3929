// The process-wide request limiter: at most `maxConcurrent` requests in flight and at most
// `requestsPerSecond` started per second (token bucket holding up to `burst` tokens), shared by
// every BlueMind client of the process so that parallel Pulumi resources stay kind to one server.
//
// It lives on `globalThis` under `Symbol.for("bmshare.limiter")`, created on first use. It must
// not be module-level state: Pulumi serializes the provider's functions with their captured
// variables *by value*, so a module-level limiter would be copied into every serialized
// function and stop being shared (docs/pulumi.md §2, pitfall 7).

export interface LimiterConfig {
  /** Requests in flight at once (default 4). */
  maxConcurrent: number;
  /** Requests started per second; 0 = no rate limit (default 20). */
  requestsPerSecond: number;
  /** Requests that may start at once after an idle period (default: requestsPerSecond). */
  burst: number;
}

export const DEFAULT_LIMITS: Readonly<Omit<LimiterConfig, "burst">> = { maxConcurrent: 4, requestsPerSecond: 20 };

export class Limiter {
  maxConcurrent: number;
  requestsPerSecond: number;
  burst: number;
  private inFlight: number;
  private tokens: number;
  private refilledAt: number;
  private readonly waiting: Array<() => void>;
  private timer: ReturnType<typeof setTimeout> | null;

  // Every field is assigned in the constructor, never with a class-field initializer: Pulumi's
  // closure serializer rebuilds a class from its constructor's text, and initializers (which ES2022
  // keeps outside the constructor) are silently lost (test/bluemind/pulumi.test.ts).
  constructor(config: Partial<LimiterConfig> = {}) {
    this.inFlight = 0;
    this.refilledAt = Date.now();
    this.waiting = [];
    this.timer = null;
    this.tokens = DEFAULT_LIMITS.requestsPerSecond;
    this.maxConcurrent = DEFAULT_LIMITS.maxConcurrent;
    this.requestsPerSecond = DEFAULT_LIMITS.requestsPerSecond;
    this.burst = DEFAULT_LIMITS.requestsPerSecond;
    this.configure(config);
    this.tokens = this.burst;
  }

  /** Changes the limits; requests already in flight are not affected. */
  configure(config: Partial<LimiterConfig>): void {
    if (config.maxConcurrent !== undefined) {
      if (!Number.isInteger(config.maxConcurrent) || config.maxConcurrent < 1) {
        throw new RangeError(`maxConcurrent must be a positive integer, got ${config.maxConcurrent}`);
      }
      this.maxConcurrent = config.maxConcurrent;
    }
    if (config.requestsPerSecond !== undefined) {
      if (!(config.requestsPerSecond >= 0)) {
        throw new RangeError(`requestsPerSecond must be >= 0, got ${config.requestsPerSecond}`);
      }
      this.requestsPerSecond = config.requestsPerSecond;
      if (config.burst === undefined) this.burst = Math.max(1, config.requestsPerSecond);
    }
    if (config.burst !== undefined) {
      if (!(config.burst >= 1)) throw new RangeError(`burst must be >= 1, got ${config.burst}`);
      this.burst = config.burst;
    }
    this.tokens = Math.min(this.tokens, this.burst);
    this.pump();
  }

  /** Requests currently holding a slot. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a slot; call `release()` exactly once afterwards. */
  acquire(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.pump();
  }

  /** Runs `task` inside a slot. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private refill(): void {
    const now = Date.now();
    if (this.requestsPerSecond > 0) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.requestsPerSecond) / 1000);
    }
    this.refilledAt = now;
  }

  /** Starts as many waiters as the concurrency bound and the token bucket allow, FIFO. */
  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.maxConcurrent) {
      if (this.requestsPerSecond > 0) {
        this.refill();
        if (this.tokens < 1) {
          this.wakeUpIn(Math.ceil(((1 - this.tokens) * 1000) / this.requestsPerSecond));
          return;
        }
        this.tokens -= 1;
      }
      this.inFlight++;
      const start = this.waiting.shift()!;
      start();
    }
  }

  private wakeUpIn(ms: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(1, ms));
  }
}

/**
 * The limiter shared by the whole process, created lazily. `config`, when given, reconfigures it
 * (the last client created with explicit limits wins: every client of a run uses one setting).
 */
export function sharedLimiter(config?: Partial<LimiterConfig>): Limiter {
  // Computed here, not at module level, so that a serialized copy of this function finds the
  // same registry key (Symbol.for is process-global).
  const key = Symbol.for("bmshare.limiter");
  const registry = globalThis as unknown as Record<symbol, Limiter | undefined>;
  let limiter = registry[key];
  if (!limiter) {
    limiter = new Limiter(config);
    registry[key] = limiter;
  } else if (config) {
    limiter.configure(config);
  }
  return limiter;
}
