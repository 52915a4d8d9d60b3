// Entering a compiled loop trace and leaving it: the entry checks the types the trace
// was specialised to and passes the slot values as wasm parameters; a guard exit is
// turned back into interpreter state by writing every slot of the exit's snapshot
// (from the module's exit area) into the frame's registers, boxing floats and bools.

import { RArray, RFloat, type Value } from "../interp/value";
import type { GlobalCheck } from "../trace/recorder";
import { IrType, type IrTypeName } from "../ir/ops";
import type { Ref, Trace } from "../ir/trace";

export interface CompiledLoop {
  id: number;
  trace: Trace;
  entrySlots: { slot: number; type: IrTypeName; ref: Ref }[];
  fn: (...args: unknown[]) => number;
  /** Globals the trace assumes unchanged (builtins it computes inline). */
  globalChecks: GlobalCheck[];
  /** The wasm module's bytes (kept for --trace-log=wasm and the tests' validation). */
  bytes: Uint8Array;
  /** The module's exit area: entry k of the taken snapshot is at index k. */
  exitArea: Float64Array;
  /** Times each exit was taken. */
  exitCounts: Int32Array;
}

export interface ExitResult {
  /** The snapshot id taken, or -1 when the frame's types did not fit the trace. */
  exit: number;
  /** The pc to resume the interpreter at. */
  pc: number;
}

const args: unknown[] = [];
const NO_ENTRY: ExitResult = { exit: -1, pc: -1 };

export function enterTrace(t: CompiledLoop, stack: Value[], base: number): ExitResult {
  for (const check of t.globalChecks) if (check.globals[check.index] !== check.value) return NO_ENTRY;
  const entry = t.entrySlots;
  args.length = entry.length;
  for (let i = 0; i < entry.length; i++) {
    const v = stack[base + entry[i].slot];
    switch (entry[i].type) {
      case "int":
        if (typeof v !== "number") return { exit: -1, pc: -1 };
        args[i] = v;
        break;
      case "float":
        if (!(v instanceof RFloat)) return { exit: -1, pc: -1 };
        args[i] = v.v;
        break;
      case "bool":
        if (typeof v !== "boolean") return { exit: -1, pc: -1 };
        args[i] = v ? 1 : 0;
        break;
      case "ref":
        if (!(v instanceof RArray)) return NO_ENTRY;
        args[i] = v;
        break;
      default:
        return { exit: -1, pc: -1 };
    }
  }
  const exit = t.fn.apply(null, args);
  const snap = t.trace.snapshots[exit];
  const area = t.exitArea;
  const types = t.trace.type;
  let k = 0;
  for (const frame of snap.frames) {
    const frameBase = base + frame.base;
    for (let j = 0; j < frame.slots.length; j++) {
      const raw = area[k++];
      const type = types[frame.refs[j]];
      stack[frameBase + frame.slots[j]] = type === IrType.int ? raw : type === IrType.float ? new RFloat(raw) : raw !== 0;
    }
  }
  return { exit, pc: snap.pc };
}
