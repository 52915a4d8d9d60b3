// Why a trace recording stopped without producing a trace: one closed list (LuaJIT's
// TREDEF), as data. Every abort in the trace log names one of these and a source
// position; the summary groups aborts by them.

const ABORT_TABLE = [
  ["nyi_op", "not yet implemented in traces: bytecode"],
  ["nyi_value", "not yet implemented in traces: operand kind"],
  ["call_native", "call of a builtin that traces do not handle"],
  ["call_user", "call of a user function (inlining comes with entry traces)"],
  ["trace_too_long", "trace longer than maxrecord instructions, or a tree larger than maxbytes of wasm"],
  ["too_many_snapshots", "more than maxsnap snapshots"],
  ["left_loop", "execution left the loop being recorded"],
  ["inner_loop", "an inner loop without a trace of its own"],
  ["guard_always_fails", "a guard that can never hold"],
  ["type_unstable", "a variable changes type from one iteration to the next"],
  ["error_raised", "a Ruff error was raised while recording"],
  ["backend", "the wasm backend could not compile the trace"],
  ["jit_error", "an internal error of the JIT (a bug): the interpreter carries on"],
] as const satisfies readonly (readonly [string, string])[];

export type AbortReason = (typeof ABORT_TABLE)[number][0];

export const ABORT_REASONS: readonly AbortReason[] = ABORT_TABLE.map((row) => row[0]);

export function abortDescription(reason: AbortReason): string {
  return ABORT_TABLE.find((row) => row[0] === reason)![1];
}

/**
 * Thrown inside the recorder to stop recording; caught by the trace driver. Without a
 * stack: aborts are routine (an outer loop's recording meets its inner loop), and
 * capturing one was a tenth of recording a side trace in sieve.
 */
export class TraceAbort extends Error {
  readonly reason: AbortReason;
  readonly detail: string;
  /** inner_loop: the loop (function, header pc) that had no tree yet. */
  readonly innerLoop?: { proto: object; header: number };

  constructor(reason: AbortReason, detail: string, innerLoop?: { proto: object; header: number }) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`${reason}: ${detail}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.reason = reason;
    this.detail = detail;
    this.innerLoop = innerLoop;
  }
}
