// Time and randomness builtins: clocks (performance_now, time_us, now, ...), sleep,
// format_duration, and random/random_int/random_choice with set_random_seed for
// deterministic runs (same sequence as upstream, see rng.ts).

import { RArray, RFloat, share, type Value } from "../value";
import { formatFixed } from "../format";
import { ChaCha12Rng } from "./rng";
import { f64ToI64, fail, intFromBig, native, toF64, type NativeSpec } from "./support";

/** A clock that starts at its first reading, like upstream's per-function OnceLock<Instant>. */
function lazyClock(): () => bigint {
  let start: bigint | undefined;
  return () => {
    const now = process.hrtime.bigint();
    if (start === undefined) start = now;
    return now - start;
  };
}

/** Rust `format!("{:.2}s")` etc.: the unit is chosen by magnitude. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return formatFixed(ms / 1000, 2) + "s";
  if (ms >= 1) return formatFixed(ms, 2) + "ms";
  if (ms >= 0.001) return formatFixed(ms * 1000, 2) + "μs";
  return formatFixed(ms * 1_000_000, 0) + "ns";
}

/** Block the thread without spinning (Atomics.wait is allowed on Node's main thread). */
function sleepMs(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function numberArg(v: Value, message: string): number {
  const x = toF64(v);
  return x === undefined ? fail(message) : x;
}

/** Rust `x as u64` for a float seed: saturating, negatives and NaN -> 0. */
function f64ToU64(x: number): bigint {
  if (!(x > 0)) return 0n;
  if (x >= 2 ** 64) return (1n << 64n) - 1n;
  return BigInt(Math.trunc(x));
}

const RANDOM_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function clockBuiltins(): NativeSpec[] {
  const performanceClock = lazyClock();
  const microClock = lazyClock();
  const nanoClock = lazyClock();
  return [
    native("performance_now", 0, 0, () => new RFloat(Number(performanceClock()) / 1e6)),
    native("time_us", 0, 0, () => new RFloat(Number(microClock() / 1000n))),
    native("time_ns", 0, 0, () => new RFloat(Number(nanoClock()))),
    native("now", 0, 0, () => new RFloat(Math.floor(Date.now() / 1000))),
    native(["now_unix", "now_utc_seconds"], 0, 0, () => Math.floor(Date.now() / 1000)),
    native(["current_timestamp", "time"], 0, 0, () => Date.now()),
    native("now_utc", 0, 0, () => new Date().toISOString().slice(0, 19) + "Z"),
    native("elapsed", 2, 2, (a) => {
      const start = numberArg(a[0], "elapsed requires number arguments");
      const end = numberArg(a[1], "elapsed requires number arguments");
      return new RFloat(end - start);
    }),
    native("sleep", 1, 1, (a) => {
      const ms = numberArg(a[0], "sleep() requires a number argument");
      if (ms < 0) fail("sleep() requires non-negative milliseconds");
      sleepMs(Math.trunc(ms));
      return 0;
    }),
    native("format_duration", 1, 1, (a) => {
      return formatDuration(numberArg(a[0], "format_duration requires a number argument"));
    }),
  ];
}

function randomBuiltins(): NativeSpec[] {
  let seeded: ChaCha12Rng | null = null;
  let entropy: ChaCha12Rng | null = null;
  const rng = (): ChaCha12Rng => seeded ?? (entropy ??= ChaCha12Rng.fromEntropy());
  return [
    native("random", 0, 0, () => new RFloat(rng().nextF64())),
    native("random_int", 2, 2, (a) => {
      const low = BigInt(f64ToI64(numberArg(a[0], "random_int requires number arguments")));
      const high = BigInt(f64ToI64(numberArg(a[1], "random_int requires number arguments")));
      if (low > high) fail("random_int() requires min <= max");
      return intFromBig(rng().rangeInclusive(low, high));
    }),
    native("random_choice", 1, 1, (a) => {
      if (!(a[0] instanceof RArray)) fail("random_choice requires an array argument");
      const items = a[0].items;
      if (items.length === 0) return 0;
      return share(items[Number(rng().rangeInclusive(0n, BigInt(items.length - 1)))]);
    }),
    native("random_id", 1, 1, (a) => {
      const length = a[0];
      if (typeof length !== "number" && typeof length !== "bigint") fail("random_id requires an integer length argument");
      if (length < 0) fail("random_id length must be >= 0");
      let id = "";
      for (let i = 0; i < Number(length); i++) id += RANDOM_ID_ALPHABET[Number(rng().rangeInclusive(0n, 35n))];
      return id;
    }),
    native("set_random_seed", 1, 1, (a) => {
      const seed = a[0];
      if (typeof seed === "number" || typeof seed === "bigint") seeded = ChaCha12Rng.fromU64(BigInt(seed));
      else if (seed instanceof RFloat) seeded = ChaCha12Rng.fromU64(f64ToU64(seed.v));
      else fail("set_random_seed requires a number argument");
      return null;
    }),
    native("clear_random_seed", 0, 0, () => {
      seeded = null;
      return null;
    }),
    // Upstream's uuid_v4 ignores the seed (Uuid::new_v4 uses the OS generator).
    native("uuid_v4", 0, 0, () => (require("node:crypto") as typeof import("node:crypto")).randomUUID()),
  ];
}

export function timeBuiltins(): NativeSpec[] {
  return [...clockBuiltins(), ...randomBuiltins()];
}
