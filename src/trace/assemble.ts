// From one recorded iteration to an SSA loop trace: every slot the loop reads or writes
// gets an entry load before LOOP (its loop-carried value), the iteration is replayed
// through the IR builder (FOLD and CSE), and each written slot's end value flows back to
// its entry load through a PHI. Snapshots list every written slot: its value so far in
// the iteration, or its loop-carried value.

import { IrBuilder, GuardAlwaysFails } from "../ir/builder";
import { IrOp, IrType, type IrTypeName } from "../ir/ops";
import { newTrace, type Ref, type Trace } from "../ir/trace";
import { TraceAbort } from "./abort";
import type { RecordedLoop, RefClass } from "./recorder";

export interface AssembledLoop {
  trace: Trace;
  globalChecks: RecordedLoop["globalChecks"];
  /** The entry loads, in parameter order: slot and type the caller must pass. */
  entrySlots: { slot: number; type: IrTypeName; ref: Ref; refClass?: RefClass }[];
}

export function assembleLoop(rec: RecordedLoop, id: number): AssembledLoop {
  const trace = newTrace("root", rec.proto, rec.header, id);
  const b = new IrBuilder(trace);
  const slotType = new Map<number, IrTypeName>();
  for (const [slot, ref] of rec.entry) slotType.set(slot, rec.ops[ref].type);
  for (const [slot, ref] of rec.written) {
    const endType = rec.ops[ref].type;
    const entryType = slotType.get(slot);
    if (entryType !== undefined && entryType !== endType) {
      throw new TraceAbort("type_unstable", `register ${slot} is ${entryType} at the loop header and ${endType} at the back edge`);
    }
    slotType.set(slot, endType);
  }
  const slots = [...slotType.keys()].sort((x, y) => x - y);
  const loads = new Map<number, Ref>();
  for (const slot of slots) loads.set(slot, b.sload(slot, 0, IrType[slotType.get(slot)!]));
  const written = [...rec.written.keys()].sort((x, y) => x - y);

  b.loop();
  const map: Ref[] = new Array(rec.ops.length);
  const snapIds = new Map<number, number>();
  const snapshotFor = (recSnap: number): number => {
    const known = snapIds.get(recSnap);
    if (known !== undefined) return known;
    const s = rec.snapshots[recSnap];
    const state = new Map<number, Ref>();
    for (const slot of written) {
      const now = s.slots.get(slot);
      state.set(slot, now !== undefined ? map[now] : loads.get(slot)!);
    }
    const id = b.snapshot([{ proto: rec.proto, base: 0, pc: s.pc, slots: state }]);
    snapIds.set(recSnap, id);
    return id;
  };
  try {
    rec.ops.forEach((o, i) => {
      switch (o.op) {
        case "SLOAD":
          map[i] = loads.get(o.args[0])!;
          return;
        case "KINT":
          map[i] = b.kint(o.args[0]);
          return;
        case "KFLOAT":
          map[i] = b.kfloat(o.args[0]);
          return;
        case "KBOOL":
          map[i] = b.kbool(o.args[0] !== 0);
          return;
        default: {
          const snap = o.snap >= 0 ? snapshotFor(o.snap) : undefined;
          const args = o.args.map((r) => map[r]);
          if (o.op === "CALLH") {
            map[i] = b.callHelper(o.helper!, IrType[o.type], args, snap);
            return;
          }
          map[i] = b.emit(IrOp[o.op], IrType[o.type], args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, args[3] ?? 0, snap);
        }
      }
    });
  } catch (e) {
    if (e instanceof GuardAlwaysFails) throw new TraceAbort("guard_always_fails", e.message);
    throw e;
  }
  for (const slot of written) b.phi(loads.get(slot)!, map[rec.written.get(slot)!]);
  return { trace, globalChecks: rec.globalChecks, entrySlots: slots.map((slot) => ({ slot, type: slotType.get(slot)!, ref: loads.get(slot)!, refClass: rec.refClasses.get(slot) })) };
}
