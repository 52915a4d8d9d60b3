// The reference IR interpreter: runs a trace on raw values with exactly the semantics the
// wasm backend implements (f64 ints with overflow exits, division-by-zero exits, f64
// float math), enters and loops through the PHIs, and rebuilds the snapshot's frames at an exit.

import type { FunctionProto } from "../interp/bytecode";
import { RArray, RStruct, share, type StructLayout, type Value } from "../interp/value";
import { HANDLE_DEAD, type ElemKind, type PackedHeap } from "../interp/packed";
import { IR_OPERANDS, IrOp, IrType, isRefOperand, type IrOpcode } from "./ops";
import { EXITS, VALUE_EVAL, boxAs, unboxAs, type RawValue } from "./semantics";
import { FIRST_REF, NO_REF, handleKind, type Ref, type Trace } from "./trace";

/** A JS helper for CALLH: returns its result (undefined for none), or EXITS to fail without effect. */
export type HelperFn = (...args: RawValue[]) => RawValue | undefined | typeof EXITS;

export interface RunOptions {
  /** Back edges to run before giving up (result exit LIMIT_REACHED). Default 1e6. */
  maxIterations?: number;
  /** Helpers CALLH calls, by name. */
  helpers?: Readonly<Record<string, HelperFn>>;
  /** What CALLT calls: a function's entry trace, by the function's name (EXITS: the callee left). */
  entryTraces?: Readonly<Record<string, HelperFn>>;
  /** What CALLL runs: a loop tree, by "function@header", with its slots' values in order; what the function returns (EXITS: the tree left). */
  loopTrees?: Readonly<Record<string, HelperFn>>;
  /** Where AHANDLE packs arrays (a trace with packed-array ops needs one). */
  heap?: PackedHeap;
}

/** RunResult.exit when maxIterations back edges ran without an exit. */
export const LIMIT_REACHED = -1;

export interface ExitSlot {
  slot: number;
  type: IrType;
  /** Raw: int and float as numbers (box with boxAs / toInterpreterValue). */
  value: RawValue;
}

export interface ExitFrame {
  proto: FunctionProto;
  base: number;
  pc: number;
  /** The snapshot's entries with their values; slots not listed are unchanged since entry. */
  slots: ExitSlot[];
}

export interface RunResult {
  /** The snapshot id the trace exited through, or LIMIT_REACHED. */
  exit: number;
  /** The guard (or EXIT) that left the trace; NO_REF at LIMIT_REACHED. */
  guardRef: Ref;
  /** Back edges taken before the exit. */
  iterations: number;
  /** The snapshot's frames, outermost first (empty at LIMIT_REACHED). */
  frames: ExitFrame[];
}

/**
 * Run trace from entry state `entry[depth][slot]` (raw values: numbers for int and
 * float, booleans, objects; an RFloat is accepted for a float slot) until it exits.
 */
export function runTrace(trace: Trace, entry: readonly (readonly unknown[])[], options: RunOptions = {}): RunResult {
  const maxIterations = options.maxIterations ?? 1e6;
  const helpers = options.helpers ?? {};
  const end = trace.end;
  const loopRef = trace.loopRef;
  const phis = trace.phis();
  const phiStart = phis.length > 0 ? phis[0] : end;
  const { op: ops, type: types, a: opA, b: opB, c: opC, d: opD, snap: snaps } = trace;
  const values: (RawValue | undefined)[] = new Array(end);
  let iterations = 0;

  const exitAt = (guard: Ref): RunResult => {
    const s = trace.snapshots[snaps[guard]];
    const frames = s.frames.map((f) => ({
      proto: f.proto,
      base: f.base,
      pc: f.pc,
      slots: f.slots.map((slot, k) => ({ slot, type: types[f.refs[k]] as IrType, value: values[f.refs[k]] as RawValue })),
    }));
    return { exit: s.id, guardRef: guard, iterations, frames };
  };

  let ref = FIRST_REF;
  for (;;) {
    if (ref === phiStart) {
      if (loopRef === NO_REF) throw new Error("trace ends without EXIT or LOOP");
      const next = phis.map((p) => values[opB[p]]);
      phis.forEach((p, i) => (values[opA[p]] = next[i]));
      iterations++;
      if (iterations >= maxIterations) return { exit: LIMIT_REACHED, guardRef: NO_REF, iterations, frames: [] };
      ref = loopRef + 1;
      continue;
    }
    const op = ops[ref] as IrOpcode;
    const a = opA[ref];
    const b = opB[ref];
    switch (op) {
      case IrOp.KINT:
      case IrOp.KFLOAT:
        values[ref] = trace.numConsts[a];
        break;
      case IrOp.KBOOL:
        values[ref] = a !== 0;
        break;
      case IrOp.KREF:
        values[ref] = trace.refConsts[a];
        break;
      case IrOp.SLOAD: {
        const v = entry[b]?.[a];
        if (v === undefined) throw new Error(`SLOAD #${a} @${b}: no entry value`);
        const raw = types[ref] === IrType.float && typeof v !== "number" ? unboxAs(IrType.float, v as Value) : (v as RawValue);
        if (raw === EXITS) throw new Error(`SLOAD #${a} @${b}: entry value is not a float`);
        values[ref] = raw;
        break;
      }
      case IrOp.LOOP: {
        // Entering the loop (once): the PHIs with an entry value take it, all at once.
        const entering = trace.enteringPhis();
        const next = entering.map((p) => values[opC[p]]);
        entering.forEach((p, i) => (values[opA[p]] = next[i]));
        break;
      }
      case IrOp.EXIT:
        return exitAt(ref);
      case IrOp.ALEN:
        values[ref] = (values[a] as RArray).items.length;
        break;
      case IrOp.AGET: {
        const items = (values[a] as RArray).items;
        const i = values[b] as number;
        if (!(i >= 0 && i < items.length)) return exitAt(ref);
        const v = unboxAs(types[ref] as IrType, items[i]);
        if (v === EXITS) return exitAt(ref);
        values[ref] = v;
        break;
      }
      case IrOp.ASET: {
        const arr = values[a] as RArray;
        const i = values[b] as number;
        if (!(i >= 0 && i < arr.items.length) || arr.shared) return exitAt(ref);
        arr.items[i] = share(boxAs(types[opC[ref]] as IrType, values[opC[ref]] as RawValue));
        break;
      }
      case IrOp.FLOAD: {
        const v = unboxAs(types[ref] as IrType, (values[a] as RStruct).values[b]);
        if (v === EXITS) return exitAt(ref);
        values[ref] = v;
        break;
      }
      case IrOp.CALLH: {
        const fn = helpers[trace.helpers[a]];
        if (fn === undefined) throw new Error(`CALLH: no helper ${trace.helpers[a]}`);
        const args = [b, opC[ref], opD[ref]].filter((r) => r !== NO_REF).map((r) => values[r] as RawValue);
        const r = fn(...args);
        if (r === EXITS) return exitAt(ref);
        values[ref] = r;
        break;
      }
      case IrOp.CALLT: {
        const fn = options.entryTraces?.[trace.callees[a].name];
        if (fn === undefined) throw new Error(`CALLT: no entry trace for ${trace.callees[a].name}`);
        const r = fn(...[b, opC[ref], opD[ref]].filter((r) => r !== NO_REF).map((r) => values[r] as RawValue));
        if (r === EXITS) return exitAt(ref);
        values[ref] = r;
        break;
      }
      case IrOp.CALLL: {
        const call = trace.loopCalls[a];
        const fn = options.loopTrees?.[`${call.proto.name}@${call.pc}`];
        if (fn === undefined) throw new Error(`CALLL: no loop tree for ${call.proto.name}@${call.pc}`);
        const r = fn(...trace.objectFields[b].map((r) => values[r] as RawValue));
        if (r === EXITS) return exitAt(ref);
        values[ref] = r;
        break;
      }
      case IrOp.AHANDLE: {
        if (options.heap === undefined) throw new Error("AHANDLE: no heap to pack into");
        const entry = (values[a] as RArray).pack(options.heap, b as ElemKind);
        if (entry < 0) return exitAt(ref);
        values[ref] = entry;
        break;
      }
      case IrOp.PALEN: case IrOp.PAGET: case IrOp.PASET: case IrOp.PAPUSH: {
        const heap = options.heap!;
        const w = (values[a] as number) >> 2;
        const len = heap.i32[w + 1];
        const flags = heap.i32[w + 3];
        if (op === IrOp.PALEN) {
          if ((flags & HANDLE_DEAD) !== 0) return exitAt(ref);
          values[ref] = len;
          break;
        }
        if (op === IrOp.PAPUSH) {
          if (flags !== 0 || (len >= heap.i32[w + 2] && !heap.regrow(w << 2, 2 * len))) return exitAt(ref);
          heap.store(heap.i32[w], handleKind(trace, a), len, packedRaw(types[b] as IrType, values[b] as RawValue));
          heap.i32[w + 1] = len + 1;
          break;
        }
        const i = values[b] as number;
        if (!(i >= 0 && i < len) || (op === IrOp.PASET && flags !== 0)) return exitAt(ref);
        const base = heap.i32[w];
        const kind = handleKind(trace, a);
        if (op === IrOp.PASET) heap.store(base, kind, i, packedRaw(types[opC[ref]] as IrType, values[opC[ref]] as RawValue));
        else values[ref] = types[ref] === IrType.bool ? heap.load(base, kind, i) !== 0 : heap.load(base, kind, i);
        break;
      }
      case IrOp.VOBJECT: // only snapshots use it: its layout stands for it here
        values[ref] = trace.refConsts[a];
        break;
      case IrOp.NEWSTRUCT: {
        const fields = trace.objectFields[b].map((r) => share(boxAs(types[r] as IrType, values[r] as RawValue)));
        values[ref] = new RStruct(trace.refConsts[a] as StructLayout, fields);
        break;
      }
      default: {
        const evaluate = VALUE_EVAL[op];
        if (evaluate === undefined) throw new Error(`runTrace: cannot run op ${op} at ${ref}`);
        const kinds = IR_OPERANDS[op];
        const x = kinds.length > 0 && isRefOperand(kinds[0]) ? (values[a] as RawValue) : a;
        const y = kinds.length > 1 && isRefOperand(kinds[1]) ? (values[b] as RawValue) : b;
        const r = evaluate(x, y);
        if (r === EXITS) return exitAt(ref);
        if (types[ref] !== IrType.none) values[ref] = r;
      }
    }
    ref++;
  }
}

/** An exit frame's values by slot (for tests and logs). */
export function frameValues(frame: ExitFrame): Record<number, RawValue> {
  const out: Record<number, RawValue> = {};
  for (const s of frame.slots) out[s.slot] = s.value;
  return out;
}

/** An exit slot as the interpreter stores it (floats boxed as RFloat). */
export function toInterpreterValue(s: ExitSlot): Value {
  return boxAs(s.type, s.value);
}

/** A raw value as the f64 a packed array stores (bools as 0 and 1). */
function packedRaw(t: IrType, v: RawValue): number {
  return t === IrType.bool ? (v ? 1 : 0) : (v as number);
}
