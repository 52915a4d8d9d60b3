// Entering a compiled loop trace and leaving it. Both sides are small JS functions
// generated per trace (new Function), so V8 sees monomorphic code with the slot numbers
// and types as constants: the entry checks the types the trace was specialised to and
// passes the slot values as wasm parameters; each exit's restorer writes the slots of
// its snapshot (from the module's exit area) back into the frame's registers, boxing
// floats and bools.

import { RArray, RDict, RFloat, type Value } from "../interp/value";
import { IrType, type IrTypeName } from "../ir/ops";
import type { Ref, Trace } from "../ir/trace";
import { GLOBAL_SLOT_BASE, type GlobalCheck } from "../trace/recorder";

export interface CompiledLoop {
  id: number;
  trace: Trace;
  entrySlots: { slot: number; type: IrTypeName; ref: Ref; refClass?: "array" | "dict" }[];
  fn: (...args: unknown[]) => number;
  /** The wasm module's bytes (kept for --trace-log=wasm and the tests' validation). */
  bytes: Uint8Array;
  /** Globals the trace assumes unchanged (builtins it computes inline). */
  globalChecks: GlobalCheck[];
  /** The module globals that slots from GLOBAL_SLOT_BASE up stand for. */
  globals: Value[];
  /** The module's exit area: entry k of the taken snapshot is at index k. */
  exitArea: Float64Array;
  /** Object entries of the taken snapshot: entry k is at table index k. */
  exitRefs: WebAssembly.Table;
  /** Times each exit was taken. */
  exitCounts: Int32Array;
}

export interface ExitResult {
  /** The snapshot id taken, or -1 when the frame's types did not fit the trace. */
  exit: number;
  /** The pc to resume the interpreter at. */
  pc: number;
}

type EntryStub = (stack: Value[], base: number) => number;
type Restorer = (stack: Value[], base: number, area: Float64Array, refs: WebAssembly.Table) => void;

/** JS text for the storage place of a trace slot: a register or a module global. */
function place(slot: number): string {
  return slot >= GLOBAL_SLOT_BASE ? `globals[${slot - GLOBAL_SLOT_BASE}]` : `stack[base + ${slot}]`;
}

/** Generated code is cached on the compiled trace. */
const stubs = new WeakMap<CompiledLoop, { entry: EntryStub; restore: Restorer[] }>();

const NO_ENTRY: ExitResult = { exit: -1, pc: -1 };

export function enterTrace(t: CompiledLoop, stack: Value[], base: number): ExitResult {
  let code = stubs.get(t);
  if (code === undefined) stubs.set(t, (code = { entry: entryStub(t), restore: t.trace.snapshots.map((s) => restorer(t, s.id)) }));
  const exit = code.entry(stack, base);
  if (exit < 0) return NO_ENTRY;
  code.restore[exit](stack, base, t.exitArea, t.exitRefs);
  return { exit, pc: t.trace.snapshots[exit].pc };
}

function entryStub(t: CompiledLoop): EntryStub {
  const lines: string[] = [];
  const args: string[] = [];
  t.globalChecks.forEach((_, i) => lines.push(`if (checks[${i}].globals[checks[${i}].index] !== checks[${i}].value) return -1;`));
  t.entrySlots.forEach((e, i) => {
    lines.push(`const v${i} = ${place(e.slot)};`);
    switch (e.type) {
      case "int":
        lines.push(`if (typeof v${i} !== "number") return -1;`);
        args.push(`v${i}`);
        break;
      case "float":
        lines.push(`if (!(v${i} instanceof RFloat)) return -1;`);
        args.push(`v${i}.v`);
        break;
      case "bool":
        lines.push(`if (typeof v${i} !== "boolean") return -1;`);
        args.push(`(v${i} ? 1 : 0)`);
        break;
      case "ref":
        lines.push(`if (!(v${i} instanceof ${e.refClass === "dict" ? "RDict" : "RArray"})) return -1;`);
        args.push(`v${i}`);
        break;
      default:
        lines.push("return -1;");
    }
  });
  lines.push(`return fn(${args.join(", ")});`);
  const make = new Function("fn", "checks", "globals", "RFloat", "RArray", "RDict", `return function traceEntry${t.id}(stack, base) {\n${lines.join("\n")}\n};`);
  return make(t.fn, t.globalChecks, t.globals, RFloat, RArray, RDict) as EntryStub;
}

function restorer(t: CompiledLoop, exit: number): Restorer {
  const trace = t.trace;
  const lines: string[] = [];
  let k = 0;
  for (const frame of trace.snapshots[exit].frames) {
    frame.slots.forEach((slot, j) => {
      const type = trace.type[frame.refs[j]];
      const raw = `area[${k++}]`;
      const value = type === IrType.int ? raw : type === IrType.float ? `new RFloat(${raw})` : type === IrType.ref ? `refs.get(${k - 1})` : `${raw} !== 0`;
      lines.push(`${slot >= GLOBAL_SLOT_BASE ? place(slot) : `stack[base + ${frame.base + slot}]`} = ${value};`);
    });
  }
  const make = new Function("RFloat", "globals", `return function traceExit${trace.meta.id}_${exit}(stack, base, area, refs) {\n${lines.join("\n")}\n};`);
  return make(RFloat, t.globals) as Restorer;
}
