// The process-wide request limiter, shared by every BlueMind client of the process so that parallel
// Pulumi resources and CLI pools stay kind to one server. It bounds two things:
//
// - Requests in flight: an adaptive width (AIMD, as TCP's congestion window). It starts at
//   `initialConcurrent`, doubles after each window of successful requests ("slow start") until the
//   first sign of strain, then grows by one per window; it halves when the server pushes back (429,
//   502, 503, 504, a Retry-After, a timeout, a connection error), once per episode, and
//   holds while most requests of a window are slow (more than `LATENCY.factor` times the fastest
//   recent request of the same endpoint). It never leaves [1, maxConcurrent]: `maxConcurrent`
//   is the user's ceiling (--max-concurrent, the stack config, BLUEMIND_MAX_CONCURRENT).
// - Requests started per second: a token bucket holding up to `burst` tokens, off by default
//   (the width already bounds the load; `requestsPerSecond` is a ceiling for those who want one).
//
// The transport reports each attempt's outcome and latency with `release` (transport.ts); the
// CLI's pools size themselves on the current width (cli/engine/pool.ts). docs/limits.md explains
// the choices.
//
// It lives on `globalThis` under `Symbol.for("bmshare.limiter")`, created on first use. It must
// not be module-level state: Pulumi serializes the provider's functions with their captured
// variables *by value*, so a module-level limiter would be copied into every serialized
// function and stop being shared (docs/pulumi.md §2, pitfall 7).

export interface LimiterConfig {
  /** The most requests in flight, however well the server answers (default 32). */
  maxConcurrent: number;
  /** Requests in flight before the server has been heard from (default 4; at most maxConcurrent). */
  initialConcurrent: number;
  /** Requests started per second; 0 = no rate limit (default 0). */
  requestsPerSecond: number;
  /** Requests that may start at once after an idle period (default: requestsPerSecond). */
  burst: number;
}

export const DEFAULT_LIMITS: Readonly<Omit<LimiterConfig, "burst">> = { maxConcurrent: 32, initialConcurrent: 4, requestsPerSecond: 0 };

/** How the width reads latency. */
export const LATENCY = {
  /** A request is slow beyond this many times the fastest recent one of its endpoint. */
  factor: 2,
  /** Below this, differences are scheduling noise, not load: a fastest time under it counts as it. */
  floorMs: 10,
  /**
   * A fastest time is remembered for 1 to 2 such periods: a server whose normal latency has changed
   * (other users' load, a long Pulumi deployment) is not held to an old one for ever.
   */
  memoryMs: 30_000,
} as const;

/** The fastest latency of one kind in the current period and in the one before. */
interface Fastest {
  current: number;
  previous: number;
  since: number;
}

/** What an attempt's answer, or its absence, says about the server's load. */
export type LoadSignal =
  /** An answer, whatever its status, that does not ask for less. */
  | "ok"
  /** 429, 502, 503, 504, or any failed answer with a Retry-After. */
  | "overloaded"
  /** No answer in time. */
  | "timeout"
  /** The connection failed or was cut. */
  | "unreachable";

export interface Completion {
  signal: LoadSignal;
  /** Sending to answer; null when not comparable (a stream that lasts as long as its task). */
  latencyMs: number | null;
  /** Latencies are compared within a kind (the endpoint): a search is not a get. */
  kind: string;
}

/** A held slot; give it back to `release` exactly once. */
export interface Slot {
  /** Start order: tells a request sent before the last narrowing from one sent after. */
  readonly seq: number;
}

const positiveInteger = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
};

export class Limiter {
  /** The ceiling of the width. */
  maxConcurrent: number;
  requestsPerSecond: number;
  burst: number;
  private width: number;
  /** Doubling per window until the first sign of strain, then one more per window. */
  private slowStart: boolean;
  private inFlight: number;
  private started: number;
  /** `seq` of the last request started before the last narrowing. */
  private narrowedAfter: number;
  /** The current window: fast and slow successes, and whether the width was ever all in use. */
  private fast: number;
  private slow: number;
  private filled: boolean;
  /** Recent fastest latencies, per kind. */
  private readonly fastest: Map<string, Fastest>;
  private tokens: number;
  private refilledAt: number;
  private readonly waiting: Array<(slot: Slot) => void>;
  private timer: ReturnType<typeof setTimeout> | null;

  // Every field is assigned in the constructor, never with a class-field initializer: Pulumi's
  // closure serializer rebuilds a class from its constructor's text, and initializers (which ES2022
  // keeps outside the constructor) are silently lost (test/bluemind/pulumi.test.ts).
  constructor(config: Partial<LimiterConfig> = {}) {
    this.inFlight = 0;
    this.started = 0;
    this.narrowedAfter = 0;
    this.fast = 0;
    this.slow = 0;
    this.filled = false;
    this.fastest = new Map();
    this.refilledAt = Date.now();
    this.waiting = [];
    this.timer = null;
    this.maxConcurrent = DEFAULT_LIMITS.maxConcurrent;
    this.width = DEFAULT_LIMITS.initialConcurrent;
    this.slowStart = true;
    this.requestsPerSecond = DEFAULT_LIMITS.requestsPerSecond;
    this.burst = Math.max(1, DEFAULT_LIMITS.requestsPerSecond);
    this.tokens = this.burst;
    this.configure(config);
    this.tokens = this.burst;
  }

  /**
   * Changes the limits; requests already in flight are not affected. The width keeps what it
   * learnt (clamped to a new ceiling) unless `initialConcurrent` is given, which starts it afresh
   * (latencies forgotten too).
   */
  configure(config: Partial<LimiterConfig>): void {
    if (config.maxConcurrent !== undefined) positiveInteger("maxConcurrent", config.maxConcurrent);
    if (config.initialConcurrent !== undefined) positiveInteger("initialConcurrent", config.initialConcurrent);
    if (config.requestsPerSecond !== undefined && !(config.requestsPerSecond >= 0)) {
      throw new RangeError(`requestsPerSecond must be >= 0, got ${config.requestsPerSecond}`);
    }
    if (config.burst !== undefined && !(config.burst >= 1)) throw new RangeError(`burst must be >= 1, got ${config.burst}`);

    if (config.maxConcurrent !== undefined) this.maxConcurrent = config.maxConcurrent;
    if (config.initialConcurrent !== undefined) {
      this.width = config.initialConcurrent;
      this.slowStart = true;
      this.fastest.clear();
      this.startWindow();
    }
    this.width = Math.min(this.width, this.maxConcurrent);
    if (config.requestsPerSecond !== undefined) {
      this.requestsPerSecond = config.requestsPerSecond;
      if (config.burst === undefined) this.burst = Math.max(1, config.requestsPerSecond);
    }
    if (config.burst !== undefined) this.burst = config.burst;
    this.tokens = Math.min(this.tokens, this.burst);
    this.pump();
  }

  /** Requests allowed in flight now: between 1 and maxConcurrent. */
  get concurrency(): number {
    return this.width;
  }

  /** Requests currently holding a slot. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a slot; give it back with `release(slot, …)` exactly once. */
  acquire(): Promise<Slot> {
    return new Promise<Slot>((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  /**
   * Frees a slot. `completion`, when given, is what the request taught about the server: the width
   * adapts to it. Without one (a task that is not a request) the slot is just freed.
   */
  release(slot: Slot, completion?: Completion): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (completion) this.learn(slot, completion);
    this.pump();
  }

  /** Runs `task` inside a slot (no outcome is learnt from it). */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      return await task();
    } finally {
      this.release(slot);
    }
  }

  private learn(slot: Slot, c: Completion): void {
    // Sent at a width already given up: it says nothing about the current one, and one episode of
    // strain seen by many requests in flight halves the width once, not once per request.
    if (slot.seq <= this.narrowedAfter) return;
    if (c.signal !== "ok") return this.narrow();
    if (c.latencyMs === null) return;
    const fastest = this.recentFastest(c.kind, c.latencyMs);
    if (c.latencyMs <= LATENCY.factor * Math.max(fastest, LATENCY.floorMs)) this.fast++;
    else this.slow++;
    if (this.fast + this.slow >= this.width) this.endWindow();
  }

  /** Notes a latency of `kind`; returns the fastest of the current and the previous period. */
  private recentFastest(kind: string, latencyMs: number): number {
    const now = Date.now();
    const known = this.fastest.get(kind);
    if (!known) {
      this.fastest.set(kind, { current: latencyMs, previous: Infinity, since: now });
      return latencyMs;
    }
    const age = now - known.since;
    if (age >= LATENCY.memoryMs) {
      known.previous = age >= 2 * LATENCY.memoryMs ? Infinity : known.current;
      known.current = latencyMs;
      known.since = now;
    } else {
      known.current = Math.min(known.current, latencyMs);
    }
    return Math.min(known.current, known.previous);
  }

  /** A window's worth of successes: widen if most were fast and the width was all in use. */
  private endWindow(): void {
    if (this.slow > this.fast) {
      this.slowStart = false; // latency is rising: no more doubling
    } else if (this.filled) {
      this.width = Math.min(this.maxConcurrent, this.slowStart ? this.width * 2 : this.width + 1);
    }
    this.startWindow();
  }

  private narrow(): void {
    this.width = Math.max(1, Math.floor(this.width / 2));
    this.slowStart = false;
    this.narrowedAfter = this.started;
    this.startWindow();
  }

  private startWindow(): void {
    this.fast = 0;
    this.slow = 0;
    this.filled = false;
  }

  private refill(): void {
    const now = Date.now();
    if (this.requestsPerSecond > 0) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.requestsPerSecond) / 1000);
    }
    this.refilledAt = now;
  }

  /** Starts as many waiters as the width and the token bucket allow, FIFO. */
  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.width) {
      if (this.requestsPerSecond > 0) {
        this.refill();
        if (this.tokens < 1) {
          this.wakeUpIn(Math.ceil(((1 - this.tokens) * 1000) / this.requestsPerSecond));
          return;
        }
        this.tokens -= 1;
      }
      this.inFlight++;
      // Growth needs proof that the server copes with the whole width, not with a part of it.
      if (this.inFlight >= this.width) this.filled = true;
      this.started++;
      const start = this.waiting.shift()!;
      start({ seq: this.started });
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
