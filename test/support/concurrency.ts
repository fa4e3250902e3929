// Counts the requests an in-process emulator is handling at once, exactly and without a clock: each
// request counts from the moment the emulator starts handling it until its answer is written. A
// client's slot covers more than that (it is taken before sending and freed once the answer is
// read), so what the emulator sees is never more than what the client had in flight.
import type { Emulator } from "../../emulator/emulator";

export interface ConcurrencyProbe {
  /** The most requests handled at once since the probe started (or the last reset). */
  readonly max: number;
  reset(): void;
  /** Restores the emulator's own handler. */
  stop(): void;
}

export function probeConcurrency(emulator: Emulator): ConcurrencyProbe {
  const handle = emulator.handle;
  let now = 0;
  let max = 0;
  emulator.handle = function counted(req, res) {
    now++;
    max = Math.max(max, now);
    let ended = false;
    const end = () => {
      if (!ended) now--;
      ended = true;
    };
    res.once("finish", end);
    res.once("close", end);
    return handle.call(emulator, req, res);
  };
  return {
    get max() {
      return max;
    },
    reset() {
      max = now;
    },
    stop() {
      emulator.handle = handle;
    },
  };
}
