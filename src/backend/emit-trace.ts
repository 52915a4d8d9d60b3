// One IR trace alone -> one wasm module with one function (the tests' and the
// differential fuzzer's view of a trace; the JIT compiles whole trees, emit-tree.ts).
// Entry loads are the parameters; every other value gets a local; LOOP moves the PHIs'
// entry values in and opens a wasm `loop`, and the PHIs at the end move the
// loop-carried values (all at once) before branching back. A guard that fails stores its snapshot's values into the module's
// exit area (linear memory, 8 bytes per entry, in snapshot order; objects into the
// exported table) and returns the snapshot id: exits are status codes, never throws.
// The instructions themselves are emit-body.ts's.

import { ModuleBuilder, CodeWriter, type ValType } from "./wasm-encoder";
import { IrOp, IrType } from "../ir/ops";
import { FIRST_REF, type Ref, type Trace } from "../ir/trace";
import { EmitError, TRACE_IMPORTS, abiType, emitBody, getValue, importHelpers, needsLocal, valType, type BodyContext } from "./emit-body";

export { EmitError, TRACE_IMPORTS };

export interface EmittedTrace {
  bytes: Uint8Array;
  /** Number of guards (exits) in the code. */
  guards: number;
}

/** Emit `trace`; params are its entry loads in the order given. */
export function emitTrace(trace: Trace, params: readonly Ref[]): EmittedTrace {
  // Packed arrays live in the heap trees share (emit-tree.ts); this module has its own memory.
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    if (trace.op[ref] === IrOp.AHANDLE) throw new EmitError("packed arrays need the shared heap: emit the trace as a tree");
  }
  const mod = new ModuleBuilder();
  const memory = mod.addMemory({ min: 1 });
  mod.addExport("exits", "memory", memory);
  // Object references of an exit's snapshot go to this table, at the entry's index.
  let maxEntries = 1;
  for (const s of trace.snapshots) maxEntries = Math.max(maxEntries, s.frames.reduce((n, f) => n + f.refs.length, 0));
  const refTable = mod.addTable({ element: "externref", min: maxEntries });
  mod.addExport("exitRefs", "table", refTable);

  const local = new Int32Array(trace.end).fill(-1);
  const locals: ValType[] = [];
  const allocLocal = (t: ValType): number => {
    locals.push(t);
    return params.length + locals.length - 1;
  };
  const w = new CodeWriter();
  const callHelper = importHelpers(mod, w, [trace]);
  // Int parameters arrive as f64 and live in an i64 local from here on. trunc_sat is
  // exact on safe ints and cannot trap.
  params.forEach((ref, i) => {
    if (trace.type[ref] !== IrType.int) {
      local[ref] = i;
      return;
    }
    local[ref] = allocLocal("i64");
    w.local_get(i).i64_trunc_sat_f64_s().local_set(local[ref]);
  });
  for (let ref = FIRST_REF; ref < trace.end; ref++) if (local[ref] < 0 && needsLocal(trace, ref)) local[ref] = allocLocal(valType(trace.type[ref]));
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    if (trace.op[ref] === IrOp.SLOAD && local[ref] < 0) throw new EmitError(`entry load ${ref} is not a parameter`);
  }

  let guards = 0;
  let loopOpen = false;
  const ctx: BodyContext = {
    w, trace, local, callHelper, scratchF64: allocLocal("f64"),
    getLoad: (ref) => w.local_get(local[ref]),
    exitIf: (ref) => {
      w.if();
      exitTo(trace.snap[ref]);
      w.end();
    },
    exitTo: (snap) => exitTo(snap),
    loop: () => {
      // Entering the loop: the PHIs with an entry value take it (a parallel move too).
      const entering = trace.enteringPhis();
      for (const phi of entering) getValue(ctx, trace.c[phi]);
      for (let i = entering.length - 1; i >= 0; i--) w.local_set(local[trace.a[entering[i]]]);
      w.loop();
      loopOpen = true;
    },
    callTrace: () => {
      throw new EmitError("a trace alone cannot call entry traces");
    },
    callLoop: () => {
      throw new EmitError("a trace alone cannot run loop trees");
    },
    newStruct: () => {
      throw new EmitError("a trace alone cannot allocate structs");
    },
  };
  function exitTo(snapId: number): void {
    let k = 0;
    for (const frame of trace.snapshots[snapId].frames) {
      for (const ref of frame.refs) {
        if (trace.type[ref] === IrType.ref) {
          w.i32_const(k++);
          // A known function (KREF) or an object never made (VOBJECT) has no wasm value: its table entry stays null.
          if (trace.op[ref] === IrOp.KREF || trace.op[ref] === IrOp.VOBJECT) w.ref_null("extern");
          else getValue(ctx, ref);
          w.table_set(refTable);
          continue;
        }
        w.i32_const(8 * k++);
        getValue(ctx, ref);
        if (trace.type[ref] === IrType.int) w.f64_convert_i64_s();
        else if (trace.type[ref] === IrType.bool) w.f64_convert_i32_u();
        w.f64_store();
      }
    }
    w.i32_const(snapId).return();
    guards++;
  }
  emitBody(ctx);
  if (loopOpen) {
    // Parallel move: push every new value, then pop them into the carried locals.
    const phis = trace.phis();
    for (const phi of phis) getValue(ctx, trace.b[phi]);
    for (let i = phis.length - 1; i >= 0; i--) w.local_set(local[trace.a[phis[i]]]);
    w.br(0).end();
  }
  w.unreachable();

  const fnType = mod.addType(params.map((ref) => abiType(trace.type[ref])), ["i32"]);
  const fn = mod.addFunction(fnType, locals, w);
  mod.exportFunction("trace", fn);
  return { bytes: mod.finish(), guards };
}
